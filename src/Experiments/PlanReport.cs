using System.Text.Json.Serialization;

namespace Control.Experiments;

/// <summary>
/// What one MPC episode gave. The replan figures are kept apart: the first replan starts cold (no previous plan to
/// shift, and the JIT compiles the planner's code on it), the later ones are warm-started from the shifted previous
/// plan. <c>replan_ms_mean</c>, the percentiles, <c>replans_per_second</c> and <c>iterations_mean</c> are over the warm
/// replans only (before this change <c>replan_ms_mean</c> mixed in the cold one); <c>cold_replan_ms</c> is the first.
/// A one-replan episode has no warm replans: those figures are then null.
/// </summary>
/// <param name="Env">Env name.</param>
/// <param name="Planner">Planner name.</param>
/// <param name="Horizon">Planning horizon (steps).</param>
/// <param name="Seed">Seed of the episode.</param>
/// <param name="Steps">Env steps taken.</param>
/// <param name="Success">The episode ended at the env's goal.</param>
/// <param name="Return">Sum of rewards.</param>
/// <param name="ColdReplanMs">Wall-clock time of the first (cold) replan, ms.</param>
/// <param name="ColdIterations">Planner iterations of the first replan.</param>
/// <param name="ReplanMsMean">Mean wall-clock time per warm replan (the replans after the first), ms.</param>
/// <param name="ReplanMsP50">Median of the warm replan times (nearest rank), ms.</param>
/// <param name="ReplanMsP95">95th percentile of the warm replan times (nearest rank), ms.</param>
/// <param name="ReplanMsP99">99th percentile of the warm replan times (nearest rank), ms.</param>
/// <param name="IterationsMean">Mean planner iterations per warm replan.</param>
public sealed record PlanReport(string Env, string Planner, int Horizon, long Seed, int Steps, bool Success, double Return,
    [property: JsonPropertyOrder(1)] double ColdReplanMs,
    [property: JsonPropertyOrder(1)] int ColdIterations,
    [property: JsonPropertyOrder(1)] double? ReplanMsMean,
    [property: JsonPropertyOrder(1)] double? ReplanMsP50,
    [property: JsonPropertyOrder(1)] double? ReplanMsP95,
    [property: JsonPropertyOrder(1)] double? ReplanMsP99,
    [property: JsonPropertyOrder(1)] double? IterationsMean)
{
    /// <summary>Warm replans per second of planner time (1000 / <see cref="ReplanMsMean"/>); null without warm replans.</summary>
    public double? ReplansPerSecond => 1000.0 / ReplanMsMean;

    /// <summary>The trajectory file `control plan --out DIR` wrote (null when none was asked for).</summary>
    [JsonPropertyOrder(2)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Trajectory { get; init; }
}
