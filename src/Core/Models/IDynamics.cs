// The transition-model contract x' = f(x, u) with its Jacobians, shared by analytic robots, learned models
// and MuJoCo. The model is immutable and may be shared by threads; everything that changes during a call
// lives in a workspace made by CreateWorkspace, one per thread, so that no call allocates.
using Control.Core.Envs;

namespace Control.Core.Models;

/// <summary>
/// Discrete-time dynamics x' = f(x, u). Matrices are dense row-major spans in the tangent coordinates of
/// <see cref="StateSpace"/> (nt = its TangentSize; nt = n for Euclidean states): <c>Fx</c> is nt x nt with
/// <c>Fx[i * nt + j] = d f_i / d x_j</c>, <c>Fu</c> is nt x m with <c>Fu[i * m + j] = d f_i / d u_j</c>.
/// </summary>
public interface IDynamics
{
    /// <summary>State dimension n.</summary>
    int StateSize { get; }

    /// <summary>Control dimension m.</summary>
    int ControlSize { get; }

    /// <summary>The manifold of the state (Euclidean R^n unless the model says otherwise, e.g. quaternions).</summary>
    IStateSpace StateSpace => new EuclideanStateSpace(StateSize);

    /// <summary>Seconds of simulated time per step.</summary>
    double TimeStep { get; }

    /// <summary>Box constraints on u that the model enforces (it clips); planners should respect them.</summary>
    Box ControlBounds { get; }

    /// <summary>A workspace for one thread; reuse it across calls.</summary>
    DynamicsWorkspace CreateWorkspace();

    /// <summary>Writes f(x, u) into <paramref name="next"/>.</summary>
    void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next);

    /// <summary>Writes f(x, u) into <paramref name="next"/> and its Jacobians into <paramref name="fx"/> (nt x nt) and <paramref name="fu"/> (nt x m), tangent coordinates.</summary>
    void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> next, Span<double> fx, Span<double> fu);
}
