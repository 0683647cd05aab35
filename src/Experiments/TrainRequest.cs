namespace Control.Experiments;

/// <summary>A model-free training run, online (on the env) or offline (from a logged dataset, <see cref="Dataset"/>).</summary>
/// <param name="Env">Registered env name.</param>
/// <param name="Algorithm">
/// Algorithm name of a registry: Control.Policies.Registry.Algorithms or ModelBasedAlgorithms online,
/// OfflineAlgorithms with a <see cref="Dataset"/>.
/// </param>
/// <param name="Steps">Env steps to train for, in total (counting a resumed run's); not used by an offline run.</param>
/// <param name="Seed">Seed of the whole run (ignored on resume: the checkpoint's seed is used).</param>
public sealed record TrainRequest(string Env, string Algorithm, long Steps, long Seed)
{
    /// <summary>Directory for metrics.csv and checkpoint.ctl; null (the default) writes nothing.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Save a checkpoint every N iterations; 0 (the default) saves at the end only.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>A checkpoint to continue (its algorithm, env, config and seed); null (the default) starts afresh.</summary>
    public string? Resume { get; init; }

    /// <summary>
    /// A logged dataset (.csv, or the binary CTLTRANS format) to learn from offline, its x columns the env's
    /// observations; null (the default) trains on the env. An offline run takes no env steps: the env gives the spaces
    /// and the evaluation.
    /// </summary>
    public string? Dataset { get; init; }

    /// <summary>Offline runs: iterations to train for, in total (counting a resumed run's); null (the default) takes <see cref="OfflineTrainRun.DefaultIterations"/>.</summary>
    public int? Iterations { get; init; }

    /// <summary>
    /// The algorithm's config record (from a hyperparameter file or --set overrides, see Hyperparameters.AlgorithmPresets.Resolve)
    /// in place of its preset for the env; null (the default) takes the preset. Not with <see cref="Resume"/>: a checkpoint keeps its config.
    /// </summary>
    public object? Config { get; init; }
}
