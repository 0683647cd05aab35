using Control.Core.Metrics;

namespace Control.Policies.Common;

/// <summary>Settings of <see cref="Trainer.Train"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>Stop once this many env steps are taken (checked after each iteration); 0 sets no step budget (default 100,000).</summary>
    public long TotalSteps { get; init; } = 100_000;

    /// <summary>
    /// Stop once the algorithm has done this many iterations (counting a resumed run's); 0 (the default) sets no
    /// iteration budget. An offline algorithm takes no env steps: its budget is this, with <see cref="TotalSteps"/> 0.
    /// </summary>
    public int TotalIterations { get; init; }

    /// <summary>Directory for metrics.csv and checkpoints; null writes nothing.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Save a checkpoint every this many iterations (0: only at the end). Needs <see cref="OutputDirectory"/>.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Further sinks that receive every iteration's metrics (default none); the caller owns and disposes them.</summary>
    public IReadOnlyList<IMetricsSink> Sinks { get; init; } = [];
}
