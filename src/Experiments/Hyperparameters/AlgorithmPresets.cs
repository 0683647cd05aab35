// The presets of every algorithm `control train` knows, across the three registries that own them (model-free,
// model-based and offline), by algorithm and env name: what `control presets` prints and what `--set` starts from.
using Control.ModelBased.Registry;
using Control.Policies.Registry;

namespace Control.Experiments.Hyperparameters;

/// <summary>The tuned config of any trainable algorithm for an env.</summary>
public static class AlgorithmPresets
{
    /// <summary>Every algorithm name: model-free, model-based, then offline.</summary>
    public static IReadOnlyList<string> Names => [.. Algorithms.Names, .. ModelBasedAlgorithms.Names, .. OfflineAlgorithms.Names];

    /// <summary>
    /// The preset config of <paramref name="algorithm"/> for <paramref name="env"/>, with schedules that anneal over the run set
    /// for a budget of <paramref name="steps"/> env steps.
    /// </summary>
    /// <exception cref="ArgumentException">No algorithm of that name.</exception>
    public static object For(string algorithm, string env, long steps)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (ModelBasedAlgorithms.Contains(algorithm)) return ModelBasedAlgorithms.Preset(algorithm, env);
        if (OfflineAlgorithms.Contains(algorithm)) return OfflineAlgorithms.Get(algorithm).Preset(env);
        if (!Algorithms.Names.Contains(algorithm))
            throw new ArgumentException($"unknown algorithm '{algorithm}'; expected one of {string.Join(", ", Names)}");
        return Algorithms.Get(algorithm).Preset(env, steps);
    }

    /// <summary>
    /// The algorithm, env and config of a training run from the command line: a hyperparameter file's (whose algo and env
    /// must agree with <paramref name="algorithm"/> and <paramref name="env"/> where those are given too), then the
    /// <paramref name="overrides"/> (key=value, in order) on the file's config or, without a file, on the preset for a budget of
    /// <paramref name="steps"/>. Config is null when neither a file nor an override is given: the run takes the preset.
    /// </summary>
    /// <exception cref="HyperparameterException">The file or an override does not fit the algorithm's config.</exception>
    /// <exception cref="ArgumentException">No algorithm or env given, or the file disagrees with them.</exception>
    public static (string Algorithm, string Env, object? Config) Resolve(string? file, string? algorithm, string? env, long steps, IReadOnlyList<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        object? config = null;
        if (file is not null)
        {
            HyperparameterFile loaded = HyperparameterFile.Load(file);
            if (algorithm is not null && algorithm != loaded.Algorithm)
                throw new ArgumentException($"{file}: the file is for algo {loaded.Algorithm}; --algo says {algorithm} (give one of them, or the same)");
            if (env is not null && env != loaded.Env)
                throw new ArgumentException($"{file}: the file is for env {loaded.Env}; --env says {env} (give one of them, or the same)");
            (algorithm, env, config) = (loaded.Algorithm, loaded.Env, loaded.Config);
        }
        if (algorithm is null || env is null) throw new ArgumentException("expected --algo and --env, or a --config file that names them");
        if (overrides.Count > 0) config ??= For(algorithm, env, steps);
        foreach (string assignment in overrides) config = ConfigYaml.Set(config!, assignment);
        return (algorithm, env, config);
    }
}
