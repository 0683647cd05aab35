using System.Text.Json.Serialization;

namespace Control.Experiments;

/// <summary>What one MPC episode gave.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Planner">Planner name.</param>
/// <param name="Horizon">Planning horizon (steps).</param>
/// <param name="Seed">Seed of the episode.</param>
/// <param name="Steps">Env steps taken.</param>
/// <param name="Success">The episode ended at the env's goal.</param>
/// <param name="Return">Sum of rewards.</param>
/// <param name="ReplanMsMean">Mean wall-clock time per replan (ms).</param>
/// <param name="ReplanMsP95">95th percentile of the replan times (ms).</param>
/// <param name="IterationsMean">Mean planner iterations per replan.</param>
/// <param name="WarmReplanMsMean">Mean over the replans after the first (the first starts cold); not in the JSON form.</param>
/// <param name="WarmIterationsMean">Mean iterations over the replans after the first; not in the JSON form.</param>
public sealed record PlanReport(string Env, string Planner, int Horizon, long Seed, int Steps, bool Success, double Return,
    [property: JsonPropertyOrder(1)] double ReplanMsMean,
    [property: JsonPropertyOrder(1)] double ReplanMsP95,
    [property: JsonPropertyOrder(1)] double IterationsMean,
    [property: JsonIgnore] double WarmReplanMsMean,
    [property: JsonIgnore] double WarmIterationsMean)
{
    /// <summary>Replans per second of planner time.</summary>
    public double ReplansPerSecond => 1000.0 / ReplanMsMean;
}
