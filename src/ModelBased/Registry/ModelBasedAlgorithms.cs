// The model-based learners `control train` knows (the SVG family), with their presets per env, next to the
// model-free registry of Control.Policies.Registry.Algorithms; and which state entries of each robot are angles.
using System.Text.Json;
using Control.Core.Envs;
using Control.Dynamics.Learned;
using Control.ModelBased.Svg;
using Control.Policies.Common;
using Control.Policies.Registry;

namespace Control.ModelBased.Registry;

/// <summary>The model-based algorithms by name: presets, start and restore.</summary>
public static class ModelBasedAlgorithms
{
    private sealed record Entry(string Name, string Description, Type ConfigType, Func<string, object> Preset, Func<IEnv, object, long, IAlgorithm> Create);

    private static readonly Entry[] Entries =
    [
        new("svg1", "SVG(1): a value function and a learned model, the noise of each real transition inferred (on-policy batches)", typeof(Svg1Config),
            env => Svg1Preset(env, experienceReplay: false), (e, c, s) => new Svg1(e, (Svg1Config)c, s)),
        new("svg1-er", "SVG(1)-ER: SVG(1) on the whole replay with truncated importance weights", typeof(Svg1Config),
            env => Svg1Preset(env, experienceReplay: true), (e, c, s) => new Svg1(e, (Svg1Config)c, s)),
        new("svginf", "SVG(inf): backpropagation through the real trajectories with every noise inferred and frozen", typeof(SvgInfConfig),
            SvgInfPreset, (e, c, s) => new SvgInf(e, (SvgInfConfig)c, s)),
    ];

    /// <summary>Names in order.</summary>
    public static IReadOnlyList<string> Names => [.. Entries.Select(e => e.Name)];

    /// <summary>Whether <paramref name="name"/> is one of these algorithms.</summary>
    public static bool Contains(string name) => Entries.Any(e => e.Name == name);

    /// <summary>One line of help per algorithm.</summary>
    public static string Describe(string name) => Get(name).Description;

    /// <summary>The preset config of <paramref name="name"/> for env <paramref name="env"/>.</summary>
    public static object Preset(string name, string env) => Get(name).Preset(env);

    /// <summary>
    /// A new run of <paramref name="name"/> on the env that <paramref name="makeEnv"/>(seed) makes (env name
    /// <paramref name="env"/>, its preset), and the description its checkpoints record.
    /// </summary>
    public static (IAlgorithm Algorithm, RunDescription Run) Start(string name, string env, long seed, Func<long, IEnv> makeEnv)
        => StartWith(name, env, Get(name).Preset(env), seed, makeEnv);

    /// <summary>A new run as <see cref="Start"/> with <paramref name="config"/> (from a hyperparameter file or overrides) in place of the preset.</summary>
    /// <exception cref="ArgumentException">The config is not of the algorithm's config type.</exception>
    public static (IAlgorithm Algorithm, RunDescription Run) StartWith(string name, string env, object config, long seed, Func<long, IEnv> makeEnv)
    {
        ArgumentNullException.ThrowIfNull(config);
        Entry entry = Get(name);
        if (config.GetType() != entry.ConfigType)
            throw new ArgumentException($"{name} takes a {entry.ConfigType.Name}; got a {config.GetType().Name}");
        var run = new RunDescription(name, env, seed, JsonSerializer.Serialize(config, entry.ConfigType));
        return (entry.Create(makeEnv(seed), config, seed), run);
    }

    /// <summary>Rebuilds the run a checkpoint was saved from, on the env that <paramref name="makeEnv"/>(env name, seed) makes.</summary>
    /// <exception cref="CheckpointException">The stored config does not parse or the checkpoint does not fit.</exception>
    public static (IAlgorithm Algorithm, RunDescription Run) Restore(Checkpoint checkpoint, Func<string, long, IEnv> makeEnv)
    {
        RunDescription run = checkpoint.GetJson<RunDescription>(RunDescription.Section);
        Entry entry = Get(run.Algorithm);
        object config;
        try
        {
            config = JsonSerializer.Deserialize(run.Config, entry.ConfigType) ?? throw new JsonException("null config");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{checkpoint.Source}: the stored {entry.ConfigType.Name} does not parse ({e.Message}).", e);
        }
        IAlgorithm algorithm = entry.Create(makeEnv(run.Env, run.Seed), config, run.Seed);
        algorithm.Load(checkpoint);
        return (algorithm, run);
    }

    /// <summary>Which state entries of each robot are angles (learned models wrap them, networks see their sine and cosine).</summary>
    public static int[] Angles(string env) => env switch
    {
        "pendulum" => [0],
        "cartpole-swingup" or "cartpole" => [2],
        "acrobot-swingup" or "acrobot" => [0, 1],
        "quadrotor2d" => [2],
        "reacher2d" => [0, 1],
        _ => [],
    };

    private static Entry Get(string name) => Entries.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"unknown model-based algorithm '{name}'; expected one of {string.Join(", ", Names)}");

    private static Svg1Config Svg1Preset(string env, bool experienceReplay) => env switch
    {
        // Over 50,000 steps the refits dominate: a refit every 2,000 steps of 10 epochs, batches of 128. ELU networks:
        // with tanh ones every unit saturates once the unbounded cart is far out, the policy's push is then constant and
        // V's gradient zero, and the cart ran away (-566,639 after 50,000 steps on seed 1). Rewards scaled by 0.1; the
        // sine and cosine of the pole's angle alone as features (not of the cart's position and the velocities).
        // gamma 0.98 is what makes the swing-up: with 0.99 the pole came near the top and fell (-214 to -473 on seed 1,
        // and the same with the true dynamics in place of the learned model), with 0.98 it is swung up and balanced on
        // seeds 1 and 3 (-87, -66); seed 2 drove the cart far out early and ended hanging (-455). V and the policy learn
        // from the last 10,000 transitions: the early runaway's costs then leave V's fit, and seeds 1-3 balance (-51, -73,
        // -56). The entropy weight is learned, from 0.1, against 2.3 nats on the [-10, 10] N box: about SAC's target on
        // that task (0 nats on [-1, 1], log 10 = 2.303 on the box) (bench/RESULTS.md, "SVG(1)-ER swings up the cart-pole
        // with gamma 0.98").
        "cartpole-swingup" => new Svg1Config
        {
            ExperienceReplay = experienceReplay, PeriodicStates = Angles(env), AngleFeaturesOnly = true, BatchSize = 128, ModelFitInterval = 2000,
            Activation = Tensors.NN.Activation.Elu, RewardScale = 0.1, Gamma = 0.98, EntropyCoefficient = 0.1, TargetEntropy = 2.3, ReplayWindow = 10_000,
            Model = new MlpDynamicsConfig { Hidden = [64, 64], Epochs = 10, Patience = 3 },
        },
        _ => new Svg1Config { ExperienceReplay = experienceReplay, PeriodicStates = Angles(env) },
    };

    private static SvgInfConfig SvgInfPreset(string env) => env switch
    {
        "pendulum" => new SvgInfConfig { PeriodicStates = Angles(env), Horizon = 40, Windows = 64, GradientSteps = 100, PolicyLearningRate = 3e-3, RecentEpisodes = 20 },
        _ => new SvgInfConfig { PeriodicStates = Angles(env) },
    };
}
