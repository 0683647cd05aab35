namespace Control.Bench.Runs;

/// <summary>Cold iLQR solves of one stage and thread count over the seeds: the median time, how many reached the goal, and the per-seed rows.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Horizon">Planning horizon (steps).</param>
/// <param name="Stages">Cold stages.</param>
/// <param name="Threads">Threads of the planner.</param>
/// <param name="Seeds">Seeds solved.</param>
/// <param name="SolveMsMedian">Median solve time (ms).</param>
/// <param name="IterationsMedian">Median iterations.</param>
/// <param name="Converged">Solves that converged.</param>
/// <param name="FinalStateAtGoal">Solves whose final state is at the goal.</param>
/// <param name="LastSecondAtGoal">Solves at the goal over their last second.</param>
/// <param name="PerIterationMs">Total solve time over total iterations (ms).</param>
/// <param name="Rows">The per-seed solves.</param>
public sealed record ColdSolve(string Env, int Horizon, int Stages, int Threads, int Seeds, double SolveMsMedian, double IterationsMedian,
    int Converged, int FinalStateAtGoal, int LastSecondAtGoal, double PerIterationMs, IReadOnlyList<ColdSolveSeed> Rows);
