// The offline algorithm registry: the algorithms that learn a policy from a logged dataset without taking env steps
// (`control train --dataset`: fitted Q-iteration, behaviour cloning), by name, with their presets per env, and the restore of a run from its checkpoint
// (with the dataset to continue training, or without it to act, evaluate and export).
using System.Text.Json;
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.Imitation;
using Control.Policies.Offline;

namespace Control.Policies.Registry;

/// <summary>The algorithms `control train --dataset` knows.</summary>
public static class OfflineAlgorithms
{
    private static readonly OfflineAlgorithmEntry[] Entries =
    [
        OfflineAlgorithmEntry.For<FittedQIterationConfig>("fqi",
            "Fitted Q-iteration on a logged dataset: targets r + gamma max_a' Q(s', a') for every row, then a fit; Discrete actions by enumeration, Box actions by the cross-entropy method",
            env => env switch
            {
                // From 50,000 transitions of a mediocre policy with epsilon-random actions: with one 64-64 Q the greedy
                // policy swings between balancing (500) and driving off the track where the data is thin (~100) from one
                // iteration to the next; clipped double Q and 128-128 networks give 500 / 398 / 89 on seeds 1-3 after 120
                // iterations, short of 475 on two seeds (bench/RESULTS.md, "fitted Q-iteration from logs": what else was tried).
                "cartpole" => new FittedQIterationConfig
                {
                    TwinQ = true, Network = new NetworkConfig { Hidden = [128, 128], Activation = Tensors.NN.Activation.Relu, Orthogonal = false },
                },
                // TD3's and QT-Opt's pendulum discount; uniformly random torques cover the swing-up well enough for one Q.
                "pendulum" => new FittedQIterationConfig { Gamma = 0.98 },
                _ => new FittedQIterationConfig(),
            },
            (data, config, seed, evaluate) => new FittedQIteration(data, config, seed, evaluate),
            (env, observations, actions, config, seed) => new FittedQIteration(env, observations, actions, config, seed)),
        OfflineAlgorithmEntry.For<BehaviourCloningConfig>(BehaviourCloning.Name,
            "Behaviour cloning on a logged dataset: the policy that collected it, fitted to its (observation, action) pairs with a holdout part and early stopping; one fit",
            _ => new BehaviourCloningConfig(),
            (data, config, seed, evaluate) => new OfflineBehaviourCloning(data, config, seed, evaluate),
            (env, observations, actions, config, seed) => new OfflineBehaviourCloning(env, observations, actions, config, seed),
            fixedIterations: 1),
    ];

    /// <summary>Names in order.</summary>
    public static IReadOnlyList<string> Names => Entries.Select(e => e.Name).ToArray();

    /// <summary>Whether <paramref name="name"/> is an offline algorithm.</summary>
    public static bool Contains(string name) => Entries.Any(e => e.Name == name);

    /// <summary>The entry for <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No offline algorithm has that name.</exception>
    public static OfflineAlgorithmEntry Get(string name) => Entries.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"unknown offline algorithm '{name}'; expected one of {string.Join(", ", Names)} (they learn from a logged dataset)");

    /// <summary>
    /// A new run of algorithm <paramref name="name"/> on <paramref name="data"/> with its preset for the data's env, and
    /// the description that its checkpoints record. <paramref name="evaluate"/> (the mean return of a policy on the env,
    /// or null) is what the algorithm reports after every iteration.
    /// </summary>
    public static (IAlgorithm Algorithm, RunDescription Run) Start(string name, OfflineDataset data, long seed, Func<IPolicy, double>? evaluate = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return StartWith(name, data, Get(name).Preset(data.Env), seed, evaluate);
    }

    /// <summary>A new run as <see cref="Start"/> with <paramref name="config"/> (from a hyperparameter file or overrides) in place of the preset.</summary>
    /// <exception cref="ArgumentException">The config is not of the algorithm's config type.</exception>
    public static (IAlgorithm Algorithm, RunDescription Run) StartWith(string name, OfflineDataset data, object config, long seed, Func<IPolicy, double>? evaluate = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(config);
        OfflineAlgorithmEntry entry = Get(name);
        if (config.GetType() != entry.ConfigType)
            throw new ArgumentException($"{name} takes a {entry.ConfigType.Name}; got a {config.GetType().Name}");
        var run = new RunDescription(name, data.Env, seed, JsonSerializer.Serialize(config, entry.ConfigType));
        return (entry.Create(data, config, seed, evaluate), run);
    }

    /// <summary>
    /// Rebuilds the algorithm a checkpoint was saved from, with its weights and state: on <paramref name="data"/> to
    /// continue training (the algorithm checks that these are the rows it learned from), or without data on the env's
    /// spaces to act, evaluate and export.
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint is not an offline run's, or does not fit.</exception>
    public static (IAlgorithm Algorithm, RunDescription Run) Restore(Checkpoint checkpoint, Space observationSpace, Space actionSpace, OfflineDataset? data = null,
        Func<IPolicy, double>? evaluate = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        RunDescription run = checkpoint.GetJson<RunDescription>(RunDescription.Section);
        if (!Contains(run.Algorithm))
            throw new CheckpointException($"{checkpoint.Source}: the checkpoint is of {run.Algorithm}; expected one of the offline algorithms {string.Join(", ", Names)}.");
        OfflineAlgorithmEntry entry = Get(run.Algorithm);
        object config;
        try
        {
            config = JsonSerializer.Deserialize(run.Config, entry.ConfigType) ?? throw new JsonException("null config");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{checkpoint.Source}: the stored {entry.ConfigType.Name} does not parse ({e.Message}).", e);
        }
        IAlgorithm algorithm = data is null
            ? entry.CreateWithoutData(run.Env, observationSpace, actionSpace, config, run.Seed)
            : entry.Create(data, config, run.Seed, evaluate);
        algorithm.Load(checkpoint);
        return (algorithm, run);
    }
}
