// Dynamics written once as generic equations and differentiated exactly: Step runs them on Real, Linearize
// on Dual, so A = df/dx and B = df/du come from the very code that steps (no second hand-written copy to
// drift, no finite-difference error). The equations are a struct so the JIT specializes every call.
using System.Runtime.InteropServices;
using Control.Core.Envs;
using Control.Core.Models;

namespace Control.Dynamics.Analytic;

/// <summary>
/// An <see cref="IDynamics"/> over generic equations, with exact Jacobians by forward-mode differentiation and
/// exact second derivatives (for DDP) by second-order forward mode.
/// </summary>
public sealed class AnalyticDynamics<TEquations> : ISecondOrderDynamics where TEquations : struct, IEquations
{
    private sealed class NoWorkspace : DynamicsWorkspace;

    private static readonly NoWorkspace Shared = new();
    private readonly TEquations equations;

    /// <summary>Wraps <paramref name="equations"/>; n + m must not exceed <see cref="Scalar.MaxInputs"/>.</summary>
    public AnalyticDynamics(TEquations equations)
    {
        if (equations.StateSize + equations.ControlSize > Scalar.MaxInputs)
        {
            throw new ArgumentException(
                $"{equations.Name}: analytic dynamics differentiate at most {Scalar.MaxInputs} inputs, got n + m = {equations.StateSize + equations.ControlSize}.");
        }
        this.equations = equations;
        ControlBounds = equations.ControlBounds;
    }

    /// <summary>The equations (with their constants).</summary>
    public TEquations Equations => equations;

    public int StateSize => equations.StateSize;
    public int ControlSize => equations.ControlSize;
    public double TimeStep => equations.TimeStep;
    public Box ControlBounds { get; }

    /// <summary>Analytic models need no scratch memory beyond the stack; every thread may use the same instance.</summary>
    public DynamicsWorkspace CreateWorkspace() => Shared;

    public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
    {
        CheckLengths(x, u, next);
        equations.Step(MemoryMarshal.Cast<double, Real>(x), MemoryMarshal.Cast<double, Real>(u), MemoryMarshal.Cast<double, Real>(next));
    }

    public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> next, Span<double> fx, Span<double> fu)
    {
        CheckLengths(x, u, next);
        int n = StateSize, m = ControlSize;
        ModelChecks.Length(equations.Name, "Fx (n x n)", n * n, fx.Length);
        ModelChecks.Length(equations.Name, "Fu (n x m)", n * m, fu.Length);
        Span<Dual> xd = stackalloc Dual[n];
        Span<Dual> ud = stackalloc Dual[m];
        Span<Dual> nd = stackalloc Dual[n];
        for (int i = 0; i < n; i++) xd[i] = Dual.Variable(x[i], i);
        for (int j = 0; j < m; j++) ud[j] = Dual.Variable(u[j], n + j);
        equations.Step<Dual>(xd, ud, nd);
        for (int i = 0; i < n; i++)
        {
            next[i] = nd[i].Value;
            for (int j = 0; j < n; j++) fx[i * n + j] = nd[i].Derivative(j);
            for (int j = 0; j < m; j++) fu[i * m + j] = nd[i].Derivative(n + j);
        }
    }

    public void AddWeightedHessians(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        ReadOnlySpan<double> weights, Span<double> hxx, Span<double> huu, Span<double> hux)
    {
        int n = StateSize, m = ControlSize;
        ModelChecks.Length(equations.Name, "x", n, x.Length);
        ModelChecks.Length(equations.Name, "u", m, u.Length);
        ModelChecks.Length(equations.Name, "weights", n, weights.Length);
        ModelChecks.Length(equations.Name, "Hxx (n x n)", n * n, hxx.Length);
        ModelChecks.Length(equations.Name, "Huu (m x m)", m * m, huu.Length);
        ModelChecks.Length(equations.Name, "Hux (m x n)", m * n, hux.Length);
        Span<Dual2> xd = stackalloc Dual2[n];
        Span<Dual2> ud = stackalloc Dual2[m];
        Span<Dual2> nd = stackalloc Dual2[n];
        for (int i = 0; i < n; i++) xd[i] = Dual2.Variable(x[i], i);
        for (int j = 0; j < m; j++) ud[j] = Dual2.Variable(u[j], n + j);
        equations.Step<Dual2>(xd, ud, nd);
        for (int k = 0; k < n; k++)
        {
            double w = weights[k];
            if (w == 0) continue;
            Dual2 f = nd[k];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++) hxx[i * n + j] += w * f.SecondDerivative(i, j);
            }
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < m; j++) huu[i * m + j] += w * f.SecondDerivative(n + i, n + j);
                for (int j = 0; j < n; j++) hux[i * n + j] += w * f.SecondDerivative(n + i, j);
            }
        }
    }

    private void CheckLengths(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
    {
        ModelChecks.Length(equations.Name, "x", StateSize, x.Length);
        ModelChecks.Length(equations.Name, "u", ControlSize, u.Length);
        ModelChecks.Length(equations.Name, "x'", StateSize, next.Length);
    }
}
