// The transition-model contract x' = f(x, u) with its Jacobians, shared by analytic robots, learned models
// and MuJoCo. The model is immutable and may be shared by threads; everything that changes during a call
// lives in a workspace made by CreateWorkspace, one per thread, so that no call allocates.
namespace Control.Dynamics;

/// <summary>Per-thread scratch memory of an <see cref="IDynamics"/>; made only by <see cref="IDynamics.CreateWorkspace"/>.</summary>
public abstract class DynamicsWorkspace;

/// <summary>
/// Discrete-time dynamics x' = f(x, u). Matrices are dense row-major spans: <c>Fx</c> is n x n with
/// <c>Fx[i * n + j] = d f_i / d x_j</c>, <c>Fu</c> is n x m with <c>Fu[i * m + j] = d f_i / d u_j</c>.
/// </summary>
public interface IDynamics
{
    /// <summary>State dimension n.</summary>
    int StateSize { get; }

    /// <summary>Control dimension m.</summary>
    int ControlSize { get; }

    /// <summary>Seconds of simulated time per step.</summary>
    double TimeStep { get; }

    /// <summary>Box constraints on u that the model enforces (it clips); planners should respect them.</summary>
    Box ControlBounds { get; }

    /// <summary>A workspace for one thread; reuse it across calls.</summary>
    DynamicsWorkspace CreateWorkspace();

    /// <summary>Writes f(x, u) into <paramref name="next"/>.</summary>
    void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next);

    /// <summary>Writes f(x, u) into <paramref name="next"/> and its Jacobians into <paramref name="fx"/> (n x n) and <paramref name="fu"/> (n x m).</summary>
    void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> next, Span<double> fx, Span<double> fu);
}

/// <summary>Shape checks shared by implementations of <see cref="IDynamics"/> and <see cref="ICost"/>.</summary>
public static class ModelChecks
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the model when a span has the wrong length.</summary>
    public static void Length(string model, string what, int expected, int actual)
    {
        if (expected != actual)
            throw new ArgumentException($"{model}: expected {what} of length {expected}, got length {actual}.");
    }
}

/// <summary>
/// Dynamics that also give second derivatives, contracted with a weight vector as DDP needs them:
/// sum_i w_i d2 f_i / dx2, sum_i w_i d2 f_i / du2 and sum_i w_i d2 f_i / du dx.
/// </summary>
public interface ISecondOrderDynamics : IDynamics
{
    /// <summary>
    /// Adds sum_i w_i d2 f_i(x, u) to <paramref name="hxx"/> (n x n), <paramref name="huu"/> (m x m) and
    /// <paramref name="hux"/> (m x n, entry [i * n + j] = d2 / du_i dx_j), with <paramref name="weights"/> of length n.
    /// </summary>
    void AddWeightedHessians(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        ReadOnlySpan<double> weights, Span<double> hxx, Span<double> huu, Span<double> hux);
}

/// <summary>
/// Dynamics that step and linearize many rows at once faster than one by one (a learned model does all T rows in one
/// batched network pass). Planners use it when the model offers it: iLQR for its derivative phase, the sampling
/// planners for their rollouts.
/// </summary>
public interface IBatchDynamics : IDynamics
{
    /// <summary><see cref="IDynamics.Step"/> for T rows: <paramref name="states"/> (T x n) and <paramref name="controls"/> (T x m) give <paramref name="next"/> (T x n).</summary>
    void StepBatch(DynamicsWorkspace workspace, ReadOnlySpan<double> states, ReadOnlySpan<double> controls, Span<double> next);

    /// <summary>
    /// <see cref="IDynamics.Linearize"/> for T rows: <paramref name="states"/> (T x n), <paramref name="controls"/>
    /// (T x m) give <paramref name="next"/> (T x n), <paramref name="fx"/> (T x n x n) and <paramref name="fu"/> (T x n x m).
    /// </summary>
    void LinearizeBatch(DynamicsWorkspace workspace, ReadOnlySpan<double> states, ReadOnlySpan<double> controls,
        Span<double> next, Span<double> fx, Span<double> fu);
}
