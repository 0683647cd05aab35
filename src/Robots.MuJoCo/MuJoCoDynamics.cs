// A MuJoCo model as an IDynamics: x = [qpos, qvel, act], u = ctrl, x' = Substeps mj_steps with u held. The
// solver's warm start and the time are cleared before each transition, so f is a function of (x, u) alone and
// planners may call it from any state. Jacobians come from mjd_transitionFD in the tangent coordinates of
// MuJoCoStateSpace (quaternion states), chained over the substeps.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Robots.MuJoCo.Interop;

namespace Control.Robots.MuJoCo;

/// <summary>The transition x' = f(x, u) of a MuJoCo model. Immutable; each thread uses its own workspace.</summary>
public sealed unsafe class MuJoCoDynamics : IDynamics
{
    /// <summary>The dynamics of <paramref name="model"/> (which it does not own: dispose the model after this).</summary>
    public MuJoCoDynamics(MuJoCoModel model, MuJoCoDynamicsConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Config = config ?? new MuJoCoDynamicsConfig();
        if (Config.Substeps < 1) throw new ArgumentOutOfRangeException(nameof(config), $"expected Substeps >= 1, got {Config.Substeps}");
        if (!(Config.FiniteDifferenceEpsilon > 0)) throw new ArgumentOutOfRangeException(nameof(config), $"expected FiniteDifferenceEpsilon > 0, got {Config.FiniteDifferenceEpsilon}");
        Model = model;
        StateSpace = model.HasQuaternions ? new MuJoCoStateSpace(model) : new EuclideanStateSpace(model.Nq + model.Nv + model.Na);
    }

    /// <summary>The model.</summary>
    public MuJoCoModel Model { get; }

    /// <summary>The settings.</summary>
    public MuJoCoDynamicsConfig Config { get; }

    /// <inheritdoc />
    public int StateSize => Model.Nq + Model.Nv + Model.Na;

    /// <inheritdoc />
    public int ControlSize => Model.Nu;

    /// <summary>Euclidean for hinge and slide models; <see cref="MuJoCoStateSpace"/> when free or ball joints carry quaternions.</summary>
    public IStateSpace StateSpace { get; }

    /// <inheritdoc />
    public double TimeStep => Model.TimeStep * Config.Substeps;

    /// <inheritdoc />
    public Box ControlBounds => Model.ControlBounds;

    /// <inheritdoc />
    public DynamicsWorkspace CreateWorkspace() => new Workspace(Model, StateSize, 2 * Model.Nv + Model.Na);

    /// <inheritdoc />
    public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
    {
        Workspace ws = Check(workspace, x, u, next);
        x.CopyTo(ws.Current);
        for (int s = 0; s < Config.Substeps; s++)
        {
            Transition(ws, ws.Current, u, next);
            if (s + 1 < Config.Substeps) next.CopyTo(ws.Current);
        }
    }

    /// <inheritdoc />
    public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> next, Span<double> fx, Span<double> fu)
    {
        Workspace ws = Check(workspace, x, u, next);
        int nt = ws.TangentSize, m = ControlSize;
        if (fx.Length != nt * nt || fu.Length != nt * m)
            throw new ArgumentException($"{Model.Source}: expected fx of {nt * nt} and fu of {nt * m} entries (tangent size {nt}), got {fx.Length} and {fu.Length}");
        x.CopyTo(ws.Current);
        for (int s = 0; s < Config.Substeps; s++)
        {
            bool first = s == 0;
            Span<double> a = first ? fx : ws.A, b = first ? fu : ws.B;
            int warnings;
            int status;
            fixed (double* xs = ws.Current, us = u, ns = next, pa = a, pb = b)
                status = MuJoCoNative.TransitionFd(Model.Pointer, ws.Data.Pointer, xs, us, Config.FiniteDifferenceEpsilon,
                    Config.Centered ? 1 : 0, ns, pa, pb, &warnings);
            ws.Data.Check(status, "transitionFD");
            ThrowIfDiverged(warnings, ws.Current, u);
            if (!first) Chain(ws, fx, fu, nt, m);
            if (s + 1 < Config.Substeps) next.CopyTo(ws.Current);
        }
    }

    // (fx, fu) <- (A fx, A fu + B): the Jacobians of substep s composed with those of the steps before it.
    private static void Chain(Workspace ws, Span<double> fx, Span<double> fu, int nt, int m)
    {
        Span<double> a = ws.A, b = ws.B, product = ws.Product;
        for (int i = 0; i < nt; i++)
        for (int j = 0; j < nt; j++)
        {
            double sum = 0;
            for (int k = 0; k < nt; k++) sum += a[i * nt + k] * fx[k * nt + j];
            product[i * nt + j] = sum;
        }
        product[..(nt * nt)].CopyTo(fx);
        for (int i = 0; i < nt; i++)
        for (int j = 0; j < m; j++)
        {
            double sum = b[i * m + j];
            for (int k = 0; k < nt; k++) sum += a[i * nt + k] * fu[k * m + j];
            product[i * m + j] = sum;
        }
        product[..(nt * m)].CopyTo(fu);
    }

    private void Transition(Workspace ws, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
    {
        int warnings, status;
        fixed (double* xs = x, us = u, ns = next)
            status = MuJoCoNative.Transition(Model.Pointer, ws.Data.Pointer, xs, us, ns, &warnings);
        ws.Data.Check(status, "step");
        ThrowIfDiverged(warnings, x, u);
    }

    private void ThrowIfDiverged(int warnings, ReadOnlySpan<double> x, ReadOnlySpan<double> u)
    {
        var raised = (MuJoCoWarnings)warnings;
        if ((raised & (MuJoCoWarnings.BadQacc | MuJoCoWarnings.BadQpos | MuJoCoWarnings.BadQvel | MuJoCoWarnings.BadCtrl)) != 0)
            throw new SimulationDivergedException(Model.Source, raised, MuJoCoNative.LastWarningText(), x.ToArray(), u.ToArray());
    }

    private Workspace Check(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
    {
        if (workspace is not Workspace ws || !ReferenceEquals(ws.Data.Model, Model))
            throw new ArgumentException($"{Model.Source}: the workspace was not made by this model's CreateWorkspace", nameof(workspace));
        if (x.Length != StateSize || next.Length != StateSize || u.Length != ControlSize)
            throw new ArgumentException($"{Model.Source}: expected x and next of length {StateSize} and u of length {ControlSize}, got {x.Length}, {next.Length} and {u.Length}");
        for (int i = 0; i < u.Length; i++)
            if (!double.IsFinite(u[i])) throw new ArgumentException($"{Model.Source}: control {i} is {u[i]}; expected a finite number");
        for (int i = 0; i < x.Length; i++)
            if (!double.IsFinite(x[i])) throw new ArgumentException($"{Model.Source}: state entry {i} is {x[i]}; expected a finite number");
        return ws;
    }

    /// <summary>One thread's mjData and Jacobian scratch.</summary>
    private sealed class Workspace(MuJoCoModel model, int stateSize, int tangentSize) : DynamicsWorkspace
    {
        public MuJoCoData Data { get; } = model.CreateData();
        public int TangentSize { get; } = tangentSize;
        public double[] Current { get; } = new double[stateSize];
        public double[] A { get; } = new double[tangentSize * tangentSize];
        public double[] B { get; } = new double[tangentSize * model.Nu];
        public double[] Product { get; } = new double[tangentSize * Math.Max(tangentSize, model.Nu)];
    }
}
