using Control.Core.Envs;
using Control.Policies.Common;

namespace Control.Policies.Registry;

/// <summary>How the registry makes one algorithm: its presets per env, its env count, its constructor.</summary>
public sealed class AlgorithmEntry
{
    private AlgorithmEntry(string name, string description, Type configType, Func<string, long, object> preset, Func<object, int> envs,
        Func<IVectorEnv, object, long, IAlgorithm> create)
    {
        Name = name;
        Description = description;
        ConfigType = configType;
        Preset = preset;
        Envs = envs;
        Create = create;
    }

    /// <summary>Name on the command line.</summary>
    public string Name { get; }

    /// <summary>One line for help.</summary>
    public string Description { get; }

    /// <summary>The config record's type (the checkpoint stores the config as JSON of this type).</summary>
    public Type ConfigType { get; }

    /// <summary>The tuned config for an env and a step budget (schedules that anneal over the run read the budget).</summary>
    public Func<string, long, object> Preset { get; }

    /// <summary>Parallel envs a config asks for.</summary>
    public Func<object, int> Envs { get; }

    /// <summary>Makes the algorithm on its vector env.</summary>
    public Func<IVectorEnv, object, long, IAlgorithm> Create { get; }

    /// <summary>An entry with a typed config.</summary>
    public static AlgorithmEntry For<TConfig>(string name, string description, Func<string, TConfig> preset, Func<TConfig, int> envs,
        Func<IVectorEnv, TConfig, long, IAlgorithm> create) where TConfig : class
        => new(name, description, typeof(TConfig), (env, _) => preset(env), c => envs((TConfig)c), (v, c, s) => create(v, (TConfig)c, s));

    /// <summary>An entry with a typed config whose preset depends on the step budget too.</summary>
    public static AlgorithmEntry For<TConfig>(string name, string description, Func<string, long, TConfig> preset, Func<TConfig, int> envs,
        Func<IVectorEnv, TConfig, long, IAlgorithm> create) where TConfig : class
        => new(name, description, typeof(TConfig), (env, steps) => preset(env, steps), c => envs((TConfig)c), (v, c, s) => create(v, (TConfig)c, s));
}
