namespace Control.Core.Metrics;

/// <summary>One row of training metrics: where the run is, and the namespaced values ("rollout/episode_return", ...).</summary>
/// <param name="Iteration">Iterations done.</param>
/// <param name="EnvSteps">Env steps taken.</param>
/// <param name="Elapsed">Wall time since the run started.</param>
/// <param name="Values">The metrics by key; the same keys in every row of a run.</param>
public readonly record struct MetricsRow(int Iteration, long EnvSteps, TimeSpan Elapsed, IReadOnlyDictionary<string, double> Values);
