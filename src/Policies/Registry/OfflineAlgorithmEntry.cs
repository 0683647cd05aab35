using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.Offline;

namespace Control.Policies.Registry;

/// <summary>How the offline registry makes one algorithm: its presets per env, and its constructors with and without data.</summary>
public sealed class OfflineAlgorithmEntry
{
    private OfflineAlgorithmEntry(string name, string description, Type configType, Func<string, object> preset,
        Func<OfflineDataset, object, long, Func<IPolicy, double>?, IAlgorithm> create, Func<string, Space, Space, object, long, IAlgorithm> createWithoutData,
        int? fixedIterations)
    {
        Name = name;
        FixedIterations = fixedIterations;
        Description = description;
        ConfigType = configType;
        Preset = preset;
        Create = create;
        CreateWithoutData = createWithoutData;
    }

    /// <summary>Name on the command line.</summary>
    public string Name { get; }

    /// <summary>One line for help.</summary>
    public string Description { get; }

    /// <summary>The number of iterations a run has whatever the budget (behaviour cloning's single fit: 1), or null when `--iterations` sets it.</summary>
    public int? FixedIterations { get; }

    /// <summary>The config record's type (the checkpoint stores the config as JSON of this type).</summary>
    public Type ConfigType { get; }

    /// <summary>The tuned config for an env.</summary>
    public Func<string, object> Preset { get; }

    /// <summary>Makes the algorithm on a dataset (config, seed, and the evaluation of a policy on the env, or null).</summary>
    public Func<OfflineDataset, object, long, Func<IPolicy, double>?, IAlgorithm> Create { get; }

    /// <summary>Makes the algorithm on an env's spaces (env name, observation space, action space, config, seed) without data: to act from a checkpoint.</summary>
    public Func<string, Space, Space, object, long, IAlgorithm> CreateWithoutData { get; }

    /// <summary>An entry with a typed config; <paramref name="fixedIterations"/> as <see cref="FixedIterations"/>.</summary>
    public static OfflineAlgorithmEntry For<TConfig>(string name, string description, Func<string, TConfig> preset,
        Func<OfflineDataset, TConfig, long, Func<IPolicy, double>?, IAlgorithm> create, Func<string, Space, Space, TConfig, long, IAlgorithm> createWithoutData,
        int? fixedIterations = null)
        where TConfig : class
        => new(name, description, typeof(TConfig), preset, (d, c, s, e) => create(d, (TConfig)c, s, e), (env, o, a, c, s) => createWithoutData(env, o, a, (TConfig)c, s),
            fixedIterations);
}
