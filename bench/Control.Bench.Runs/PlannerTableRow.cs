namespace Control.Bench.Runs;

/// <summary>One row of the task x planner table; means are over the episodes whose planning did not fail.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Planner">Planner name.</param>
/// <param name="Horizon">Planning horizon (steps).</param>
/// <param name="Seeds">Episodes (seeds 1..N).</param>
/// <param name="Successes">Episodes that ended at the goal.</param>
/// <param name="ReturnMean">Mean return.</param>
/// <param name="ReplanMsMean">Mean time per warm replan, each episode's first (cold) replan left out (ms).</param>
/// <param name="ReplanMsP95">Largest 95th percentile of the warm replan times over the episodes (ms).</param>
/// <param name="IterationsMean">Mean iterations per warm replan.</param>
public sealed record PlannerTableRow(string Env, string Planner, int Horizon, int Seeds, int Successes, double ReturnMean,
    double ReplanMsMean, double ReplanMsP95, double IterationsMean);
