namespace Control.Core.Models;

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
    /// (T x m) give <paramref name="next"/> (T x n), <paramref name="fx"/> (T x nt x nt) and <paramref name="fu"/> (T x nt x m),
    /// in tangent coordinates as <see cref="IDynamics.Linearize"/> gives them.
    /// </summary>
    void LinearizeBatch(DynamicsWorkspace workspace, ReadOnlySpan<double> states, ReadOnlySpan<double> controls,
        Span<double> next, Span<double> fx, Span<double> fu);
}
