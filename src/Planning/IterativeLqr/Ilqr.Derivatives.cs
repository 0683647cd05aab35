// iLQR's derivatives along the nominal trajectory: the dynamics' Fx, Fu (one batched call when the model offers it)
// and the cost's Lx, Lu, Lxx, Luu, Lux, in the tangent coordinates of the state space, split into chunks of steps
// over the worker threads, each with its own workspace (Member).
using Control.Core.Models;
using Control.Core.Threading;

namespace Control.Planning.IterativeLqr;

public sealed partial class Ilqr
{
    private void ComputeDerivatives()
    {
        if (batchLinearization is not null)
        {
            batchLinearization.LinearizeBatch(members[0].Workspace, nominal.States.AsSpan(0, horizon * n), nominal.Controls.AsSpan(0, horizon * m),
                batchNext.AsSpan(0, horizon * n), fx.AsSpan(0, horizon * nt * nt), fu.AsSpan(0, horizon * nt * m));
        }
        team.Run(derivativeChunks, derivativeChunkCount, members.Length);
        CostDerivatives terminal = members[0].CostDerivatives;
        Cost.TerminalDerivatives(nominal.State(horizon), terminal);
        terminal.Lx.CopyTo(lx, horizon * nt);
        terminal.Lxx.CopyTo(lxx, horizon * nt * nt);
    }

    // NaN or infinity in a derivative would make the backward pass fail at every regularization and the solve return
    // its nominal plan as if converged; it is a fault of the model or the cost, named here with its step.
    private void CheckDerivatives(int iteration)
    {
        int nn = nt * nt, nm = nt * m, mm = m * m;
        for (int t = 0; t < horizon; t++)
        {
            CheckFinite(iteration, t, "Fx", fx, t * nn, nn);
            CheckFinite(iteration, t, "Fu", fu, t * nm, nm);
            CheckFinite(iteration, t, "Lx", lx, t * nt, nt);
            CheckFinite(iteration, t, "Lu", lu, t * m, m);
            CheckFinite(iteration, t, "Lxx", lxx, t * nn, nn);
            CheckFinite(iteration, t, "Luu", luu, t * mm, mm);
            CheckFinite(iteration, t, "Lux", lux, t * m * nt, m * nt);
        }
        CheckFinite(iteration, horizon, "terminal Lx", lx, horizon * nt, nt);
        CheckFinite(iteration, horizon, "terminal Lxx", lxx, horizon * nn, nn);
    }

    // Throws naming entry i of the step's block values[offset .. offset + count) when it is not finite (no allocation otherwise).
    private void CheckFinite(int iteration, int step, string name, double[] values, int offset, int count)
    {
        for (int i = 0; i < count; i++)
        {
            double v = values[offset + i];
            if (!double.IsFinite(v))
                throw new NonFinitePlanException(Name, iteration, step, $"{name}[{i}]", v, "a derivative along the nominal trajectory is not finite");
        }
    }

    private const int DerivativeChunksPerThread = 4;

    // Dynamics and stage-cost derivatives of steps first .. end - 1 into the per-step arrays.
    private void StageDerivatives(Member member, int first, int end)
    {
        int nn = nt * nt, nm = nt * m, mm = m * m;
        CostDerivatives d = member.CostDerivatives;
        for (int t = first; t < end; t++)
        {
            ReadOnlySpan<double> x = nominal.State(t);
            ReadOnlySpan<double> u = nominal.Control(t);
            if (batchLinearization is null) Dynamics.Linearize(member.Workspace, x, u, member.State, fx.AsSpan(t * nn, nn), fu.AsSpan(t * nm, nm));
            Cost.StageDerivatives(x, u, d);
            d.Lx.CopyTo(lx, t * nt);
            d.Lu.CopyTo(lu, t * m);
            d.Lxx.CopyTo(lxx, t * nn);
            d.Luu.CopyTo(luu, t * mm);
            d.Lux.CopyTo(lux, t * m * nt);
        }
    }

    // What one thread of a solve needs: its model workspace, a state-sized and a tangent-sized scratch vector and
    // cost derivatives.
    private sealed class Member(DynamicsWorkspace workspace, int n, int nt, int m)
    {
        public DynamicsWorkspace Workspace { get; } = workspace;
        public double[] State { get; } = new double[n];
        public double[] Deviation { get; } = new double[nt];
        public CostDerivatives CostDerivatives { get; } = new(nt, m);
    }

    // Chunk c of the horizon's steps, split as evenly as the chunk count allows.
    private sealed class DerivativeChunks(Ilqr owner) : IChunkedWork
    {
        public void Run(int member, int chunk)
        {
            int chunks = owner.derivativeChunkCount;
            owner.StageDerivatives(owner.members[member], chunk * owner.horizon / chunks, (chunk + 1) * owner.horizon / chunks);
        }
    }
}
