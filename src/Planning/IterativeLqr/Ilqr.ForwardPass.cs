// iLQR's forward pass: rollouts of the feedback policy on the true model, and the line search over step sizes,
// several rolled out at once on the worker threads.
using Control.Core.Threading;

namespace Control.Planning.IterativeLqr;

public sealed partial class Ilqr
{
    // Step sizes in decreasing order, as many rolled out at once as there are threads; the first whose actual decrease
    // is at least AcceptanceRatio of the decrease the quadratic model expects is taken. The outputs are those of the
    // last step size judged (the accepted one, if any).
    private bool LineSearch(out double expected, out double actual, out double alphaTaken, out int acceptedCandidate)
    {
        bool accepted = false;
        expected = 0;
        actual = 0;
        alphaTaken = 0;
        acceptedCandidate = -1;
        for (int first = 0; first < alphas.Length && !accepted; first += candidates.Length)
        {
            int count = Math.Min(candidates.Length, alphas.Length - first);
            lineSearchChunks.First = first;
            team.Run(lineSearchChunks, count, count);
            for (int c = 0; c < count && !accepted; c++)
            {
                if (!candidateFinite[c]) continue;
                double alpha = alphas[first + c];
                expected = -alpha * (expectedLinear + alpha * expectedQuadratic);
                actual = nominal.Cost - candidates[c].Cost;
                double ratio = expected > 0 ? actual / expected : Math.Sign(actual);
                if (ratio > config.AcceptanceRatio)
                {
                    accepted = true;
                    alphaTaken = alpha;
                    acceptedCandidate = c;
                }
            }
        }
        return accepted;
    }

    // Rolls out from x0 along `from` (controls u_bar, states x_bar, gains K) with u = u_bar + alpha k + K (x - x_bar),
    // x - x_bar being Difference(x_bar, x) in the tangent, clipped to the bounds, writing states, controls, gains and
    // cost into `to`, with the member's own scratch memory. False when a state or cost is not finite.
    private bool Rollout(Member member, Trajectory from, Trajectory to, double alpha, bool useGains)
    {
        Span<double> deviation = member.Deviation;
        start.CopyTo(to.State(0));
        double total = 0;
        for (int t = 0; t < horizon; t++)
        {
            Span<double> x = to.State(t);
            Span<double> u = to.Control(t);
            from.Control(t).CopyTo(u);
            if (useGains)
            {
                ReadOnlySpan<double> gain = from.Gain(t);
                ReadOnlySpan<double> xBar = from.State(t);
                space.Difference(xBar, x, deviation);
                for (int i = 0; i < m; i++)
                {
                    double value = u[i] + alpha * feedForward[t * m + i];
                    for (int j = 0; j < nt; j++) value += gain[i * nt + j] * deviation[j];
                    u[i] = value;
                }
            }
            if (config.ControlLimits)
            {
                for (int i = 0; i < m; i++) u[i] = Math.Clamp(u[i], lower[i], upper[i]);
            }
            double stage = Cost.Stage(x, u);
            if (!double.IsFinite(stage)) return false;
            total += stage;
            Span<double> next = to.State(t + 1);
            Dynamics.Step(member.Workspace, x, u, next);
            for (int j = 0; j < n; j++)
            {
                if (!double.IsFinite(next[j])) return false;
            }
        }
        double terminal = Cost.Terminal(to.State(horizon));
        if (!double.IsFinite(terminal)) return false;
        to.Cost = total + terminal;
        from.Gains.AsSpan().CopyTo(to.Gains);
        return double.IsFinite(to.Cost);
    }

    // Chunk c rolls out step size alphas[First + c] into candidate c.
    private sealed class LineSearchChunks(Ilqr owner) : IChunkedWork
    {
        public int First;

        public void Run(int member, int chunk)
            => owner.candidateFinite[chunk] = owner.Rollout(owner.members[member], owner.nominal, owner.candidates[chunk], owner.alphas[First + chunk], useGains: true);
    }
}
