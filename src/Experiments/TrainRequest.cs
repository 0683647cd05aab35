namespace Control.Experiments;

/// <summary>A model-free training run.</summary>
/// <param name="Env">Registered env name.</param>
/// <param name="Algorithm">Algorithm name of the registry (Control.Policies.Registry.Algorithms).</param>
/// <param name="Steps">Env steps to train for, in total (counting a resumed run's).</param>
/// <param name="Seed">Seed of the whole run (ignored on resume: the checkpoint's seed is used).</param>
public sealed record TrainRequest(string Env, string Algorithm, long Steps, long Seed)
{
    /// <summary>Directory for metrics.csv and checkpoint.ctl; null (the default) writes nothing.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Save a checkpoint every N iterations; 0 (the default) saves at the end only.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>A checkpoint to continue (its algorithm, env, config and seed); null (the default) starts afresh.</summary>
    public string? Resume { get; init; }
}
