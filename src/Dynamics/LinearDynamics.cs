// The linear-quadratic problem in model form: x' = A x + B u + c with a quadratic cost. It is what LQR solves in
// closed form, so planners that accept any IDynamics + ICost can be checked against LQR on it, and users can
// write a linearized plant directly.
using Control.Core.Envs;
using Control.Core.Models;

namespace Control.Dynamics;

/// <summary>x' = A x + B u + c (A n x n, B n x m, row-major), controls clipped to <see cref="ControlBounds"/>.</summary>
public sealed class LinearDynamics : ISecondOrderDynamics
{
    private sealed class NoWorkspace : DynamicsWorkspace;

    private static readonly NoWorkspace Shared = new();
    private readonly double[] a, b, c;

    /// <summary>Builds the model; <paramref name="offset"/> c defaults to zero, <paramref name="bounds"/> to unbounded.</summary>
    public LinearDynamics(double[] a, double[] b, int stateSize, double timeStep = 1.0, double[]? offset = null, Box? bounds = null)
    {
        if (stateSize <= 0) throw new ArgumentOutOfRangeException(nameof(stateSize), stateSize, "linear dynamics: expected n >= 1.");
        ModelChecks.Length("linear dynamics", "A (n x n)", stateSize * stateSize, a.Length);
        if (b.Length == 0 || b.Length % stateSize != 0)
            throw new ArgumentException($"linear dynamics: expected B of length n x m with n = {stateSize}, got length {b.Length}.");
        int m = b.Length / stateSize;
        if (offset is not null) ModelChecks.Length("linear dynamics", "c", stateSize, offset.Length);
        if (bounds is not null) ModelChecks.Length("linear dynamics", "control bounds", m, bounds.FlatSize);
        if (!a.All(double.IsFinite) || !b.All(double.IsFinite) || (offset is not null && !offset.All(double.IsFinite)))
            throw new ArgumentException("linear dynamics: A, B and c must be finite.");
        if (!(timeStep > 0)) throw new ArgumentOutOfRangeException(nameof(timeStep), timeStep, "linear dynamics: expected a positive time step.");
        this.a = (double[])a.Clone();
        this.b = (double[])b.Clone();
        c = offset is null ? new double[stateSize] : (double[])offset.Clone();
        StateSize = stateSize;
        ControlSize = m;
        TimeStep = timeStep;
        ControlBounds = bounds ?? Box.Uniform(m, double.NegativeInfinity, double.PositiveInfinity);
    }

    /// <summary>A (n x n).</summary>
    public ReadOnlySpan<double> A => a;

    /// <summary>B (n x m).</summary>
    public ReadOnlySpan<double> B => b;

    /// <summary>c (n).</summary>
    public ReadOnlySpan<double> Offset => c;

    public int StateSize { get; }
    public int ControlSize { get; }
    public double TimeStep { get; }
    public Box ControlBounds { get; }

    public DynamicsWorkspace CreateWorkspace() => Shared;

    public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
    {
        int n = StateSize, m = ControlSize;
        ModelChecks.Length("linear dynamics", "x", n, x.Length);
        ModelChecks.Length("linear dynamics", "u", m, u.Length);
        ModelChecks.Length("linear dynamics", "x'", n, next.Length);
        Span<double> clipped = stackalloc double[m];
        u.CopyTo(clipped);
        ControlBounds.Clip(clipped);
        for (int i = 0; i < n; i++)
        {
            double s = c[i];
            for (int j = 0; j < n; j++) s += a[i * n + j] * x[j];
            for (int j = 0; j < m; j++) s += b[i * m + j] * clipped[j];
            next[i] = s;
        }
    }

    public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> next, Span<double> fx, Span<double> fu)
    {
        Step(workspace, x, u, next);
        ModelChecks.Length("linear dynamics", "Fx (n x n)", a.Length, fx.Length);
        ModelChecks.Length("linear dynamics", "Fu (n x m)", b.Length, fu.Length);
        a.CopyTo(fx);
        b.CopyTo(fu);
        for (int j = 0; j < ControlSize; j++)
        {
            if (u[j] < ControlBounds.Low[j] || u[j] > ControlBounds.High[j])
            {
                for (int i = 0; i < StateSize; i++) fu[i * ControlSize + j] = 0;
            }
        }
    }

    /// <summary>Linear dynamics have no curvature: adds nothing.</summary>
    public void AddWeightedHessians(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        ReadOnlySpan<double> weights, Span<double> hxx, Span<double> huu, Span<double> hux) { }
}
