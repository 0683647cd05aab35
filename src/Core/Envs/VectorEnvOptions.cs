namespace Control.Core.Envs;

/// <summary>Settings of a <see cref="VectorEnv"/>.</summary>
public sealed record VectorEnvOptions
{
    /// <summary>Threads that step copies: 0 chooses by measuring a batch (all cores, at most one per copy, when a batch takes longer than <see cref="ParallelThreshold"/>).</summary>
    public int Workers { get; init; }

    /// <summary>Batch duration above which automatic mode steps on all cores (default 50 us: thread hand-off costs a few us).</summary>
    public TimeSpan ParallelThreshold { get; init; } = TimeSpan.FromMicroseconds(50);
}
