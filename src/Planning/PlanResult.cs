namespace Control.Planning;

/// <summary>What one call of <see cref="IPlanner.Plan"/> did.</summary>
/// <param name="Trajectory">The planner's own trajectory buffer, valid until its next call.</param>
/// <param name="Cost">Total cost of the returned trajectory.</param>
/// <param name="Iterations">Optimizer iterations run.</param>
/// <param name="Converged">Whether the planner's stopping test was met (rather than its iteration budget).</param>
public readonly record struct PlanResult(Trajectory Trajectory, double Cost, int Iterations, bool Converged);
