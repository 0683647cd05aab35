namespace Control.Policies.Common;

/// <summary>What a training run did.</summary>
/// <param name="EnvSteps">Env steps taken.</param>
/// <param name="Iterations">Iterations run.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="StoppedByCallback">Whether a callback ended the run before the step budget.</param>
/// <param name="LastMetrics">Metrics of the last iteration.</param>
public sealed record TrainingResult(long EnvSteps, int Iterations, TimeSpan Elapsed, bool StoppedByCallback, IReadOnlyDictionary<string, double> LastMetrics)
{
    /// <summary>Env steps per second of wall time (collection and updates together).</summary>
    public double StepsPerSecond => Elapsed.TotalSeconds > 0 ? EnvSteps / Elapsed.TotalSeconds : 0;
}
