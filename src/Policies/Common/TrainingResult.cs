namespace Control.Policies.Common;

/// <summary>What a training run did.</summary>
/// <param name="EnvSteps">Env steps taken, in total (counting a resumed run's).</param>
/// <param name="Iterations">Iterations run, in total (counting a resumed run's).</param>
/// <param name="Elapsed">Wall time of this call (a resumed run's earlier processes not counted).</param>
/// <param name="StoppedByCallback">Whether a callback ended the run before the step budget.</param>
/// <param name="LastMetrics">Metrics of the last iteration.</param>
public sealed record TrainingResult(long EnvSteps, int Iterations, TimeSpan Elapsed, bool StoppedByCallback, IReadOnlyDictionary<string, double> LastMetrics)
{
    /// <summary>Env steps the algorithm had taken before this call (a resumed run's; default 0).</summary>
    public long StepsBefore { get; init; }

    /// <summary>Iterations the algorithm had done before this call (a resumed run's; default 0).</summary>
    public int IterationsBefore { get; init; }

    /// <summary>Env steps taken by this call.</summary>
    public long StepsTrained => EnvSteps - StepsBefore;

    /// <summary>
    /// Env steps per second of this call's wall time (collection and updates together); 0 when this call took no
    /// step (a resumed run already at its budget), not the total over a near-zero time.
    /// </summary>
    public double StepsPerSecond => StepsTrained > 0 && Elapsed.TotalSeconds > 0 ? StepsTrained / Elapsed.TotalSeconds : 0;
}
