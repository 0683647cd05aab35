namespace Control.Policies.Common;

/// <summary>Progress reported to callbacks after every iteration.</summary>
/// <param name="Iteration">Iterations done.</param>
/// <param name="EnvSteps">Env steps taken.</param>
/// <param name="Elapsed">Wall time since the start of <see cref="Trainer.Train"/>.</param>
/// <param name="Metrics">The iteration's metrics.</param>
public readonly record struct TrainingProgress(int Iteration, long EnvSteps, TimeSpan Elapsed, IReadOnlyDictionary<string, double> Metrics);
