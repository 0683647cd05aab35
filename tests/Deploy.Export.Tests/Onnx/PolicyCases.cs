// Every policy the exporter must handle: each training algorithm run very briefly on its env (a fixed seed; the policy
// need not be good, only its parts real), the BPTT policy untrained, and hand-built policies for the cases the
// algorithms do not produce (tanh squash with a state-dependent log-std, per-dimension and infinite bounds, layers
// without bias, every activation). Built once per test run and shared by the test classes.
using System.Security.Cryptography;
using System.Text;
using Control.Core;
using Control.Core.Envs;
using Control.Deploy.Export.Onnx;
using Control.ModelBased;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Policies.OnPolicy;
using Control.Robots;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Deploy.Export.Tests.Onnx;

public static class PolicyCases
{
    /// <summary>Observations per case.</summary>
    public const int Observations = 1000;

    private static readonly NetworkConfig Small = new() { Hidden = [16, 16] };

    /// <summary>The case names, trained algorithms first.</summary>
    public static readonly string[] Names =
    [
        "ppo-discrete", "ppo-gaussian", "ppo-kl", "trpo", "npg", "a2c", "reinforce", "dqn", "dqn-dueling", "dqn-gridworld", "bptt",
        "tanh-state-dependent", "unequal-bounds", "infinite-bounds", "one-sided-bounds", "unbounded", "no-bias-activations", "binned",
    ];

    public static TheoryData<string> Cases => [.. Names];

    private static readonly Lazy<IReadOnlyList<PolicyCase>> Built = new(() => [.. Names.Select(Build)]);

    /// <summary>Every case, built on first use.</summary>
    public static IReadOnlyList<PolicyCase> All => Built.Value;

    public static PolicyCase Get(string name) => All.Single(c => c.Name == name);

    private static PolicyCase Build(string name)
    {
        const long seed = 5;
        switch (name)
        {
            case "bptt":
            {
                return Case(name, "bptt", "pendulum", Bptt().InferencePolicy(), new Box([-Math.PI, -8.0], [Math.PI, 8.0]));
            }
            case "tanh-state-dependent":
            {
                // u and log-std from one network; a squash onto [-1, 3] x [0, 0.5].
                InferencePolicy policy = Hand(3, [Activation.Tanh], 4, ActionHead.TanhSquash([2.0, 0.25], [1.0, 0.25], stateDependent: true),
                    new Box([-1.0, 0.0], [3.0, 0.5]), bias: true);
                return Case(name, "hand", "none", policy, Box.Uniform(3, -1, 1));
            }
            case "unequal-bounds":
            {
                InferencePolicy policy = Hand(4, [Activation.Relu], 3, ActionHead.GaussianMean(3, Tensor.FromArray([-0.5f, 0.1f, -1.7f], 3)),
                    new Box([-0.5, -2.0, -0.1], [0.5, 0.25, 3.0]), bias: true, outputScale: 3);
                return Case(name, "hand", "none", policy, new Box([-1.0, -1.0, double.NegativeInfinity, 0.0], [1.0, 1.0, double.PositiveInfinity, 10.0]));
            }
            case "binned":
            {
                // Two action values, five levels each (a behaviour-cloning fit's binned head): per value the level of
                // its largest logit, one level on the upper bound.
                InferencePolicy policy = Hand(3, [Activation.Tanh], 10, ActionHead.Binned(2, [-1.0, -0.5, 0.0, 0.25, 1.0, 0.0, 0.5, 1.0, 1.5, 2.0]),
                    new Box([-1.0, 0.0], [1.0, 2.0]), bias: true, outputScale: 3);
                return Case(name, "hand", "none", policy, Box.Uniform(3, -1, 1));
            }
            case "infinite-bounds":
            {
                // Some dimensions bounded on one side only, some not at all: per-dimension Max and Min with infinite entries.
                InferencePolicy policy = Hand(2, [Activation.Sigmoid], 3, ActionHead.Deterministic(3),
                    new Box([double.NegativeInfinity, -0.5, double.NegativeInfinity], [0.5, double.PositiveInfinity, double.PositiveInfinity]), bias: true, outputScale: 3);
                return Case(name, "hand", "none", policy, Box.Uniform(2, -3, 3));
            }
            case "one-sided-bounds":
            {
                // Every dimension shares an upper bound and has no lower one: Clip without its min input.
                InferencePolicy policy = Hand(2, [Activation.Tanh], 2, ActionHead.GaussianMean(2, null),
                    new Box([double.NegativeInfinity, double.NegativeInfinity], [0.3, 0.3]), bias: true, outputScale: 3);
                return Case(name, "hand", "none", policy, Box.Uniform(2, -3, 3));
            }
            case "unbounded":
            {
                InferencePolicy policy = Hand(2, [Activation.Tanh], 2, ActionHead.Deterministic(2),
                    new Box([double.NegativeInfinity, double.NegativeInfinity], [double.PositiveInfinity, double.PositiveInfinity]), bias: true);
                return Case(name, "hand", "none", policy, Box.Uniform(2, -3, 3));
            }
            case "no-bias-activations":
            {
                // Layers without bias, one of each remaining activation, and a normalizer with a small variance.
                InferencePolicy policy = Hand(3, [Activation.Elu, Activation.Softplus, Activation.Sigmoid], 2, ActionHead.Deterministic(2),
                    Box.Uniform(2, -1, 1), bias: false, outputScale: 2, normalizer: new ObservationNormalizer([0.5, -1.0, 2.0], [4.0, 1e-9, 0.25], 1e-8, 5.0));
                return Case(name, "hand", "none", policy, Box.Uniform(3, -5, 5));
            }
        }
        (string env, IAlgorithm algorithm, long steps) = Trained(name, seed);
        Trainer.Train(algorithm, new TrainerOptions { TotalSteps = steps });
        return Case(name, algorithm.Name, env, algorithm.InferencePolicy(), Envs.Make(env, 0).ObservationSpace);
    }

    /// <summary>The untrained BPTT policy of the "bptt" case: pendulum states (angle, rate), the angle periodic, torque in [-2, 2].</summary>
    public static BpttPolicy Bptt() => new(2, new Box([-2.0], [2.0]), new BpttConfig { Hidden = [16, 16], PeriodicStates = [0], Seed = 5 });

    private static (string Env, IAlgorithm Algorithm, long Steps) Trained(string name, long seed) => name switch
    {
        "ppo-discrete" => ("cartpole", new Ppo(Envs.MakeVector("cartpole", 2, seed), Ppo(normalize: true), seed), 512),
        "ppo-gaussian" => ("pendulum", new Ppo(Envs.MakeVector("pendulum", 2, seed), Ppo(normalize: true), seed), 512),
        "ppo-kl" => ("pendulum", new Ppo(Envs.MakeVector("pendulum", 2, seed), Ppo(normalize: false) with { Objective = PpoObjective.AdaptiveKl, LogStd = LogStdMode.StateDependent }, seed), 512),
        "trpo" => ("pendulum", new Trpo(Envs.MakeVector("pendulum", 2, seed),
            new TrpoConfig { StepsPerEnv = 128, CriticEpochs = 1, NormalizeObservations = true, PolicyNetwork = Small, CriticNetwork = Small }, seed), 512),
        "npg" => ("cartpole", new Npg(Envs.MakeVector("cartpole", 2, seed),
            new NpgConfig { StepsPerEnv = 128, CriticEpochs = 1, NormalizeObservations = true, PolicyNetwork = Small, CriticNetwork = Small }, seed), 512),
        "a2c" => ("cartpole", new A2c(Envs.MakeVector("cartpole", 4, seed), new A2cConfig { Envs = 4, Policy = Small, Value = Small }, seed), 400),
        "reinforce" => ("pendulum", new Reinforce(Envs.MakeVector("pendulum", 1, seed),
            new ReinforceConfig { BatchSteps = 400, NormalizeObservations = true, Policy = Small, Value = Small, ValueEpochs = 1 }, seed), 800),
        "dqn" => ("cartpole", new Dqn(Envs.MakeVector("cartpole", 1, seed), Dqn(dueling: false), seed), 600),
        "dqn-dueling" => ("cartpole", new Dqn(Envs.MakeVector("cartpole", 1, seed), Dqn(dueling: true), seed), 600),
        "dqn-gridworld" => ("gridworld", new Dqn(Envs.MakeVector("gridworld", 1, seed), Dqn(dueling: true), seed), 600),
        _ => throw new ArgumentException($"unknown case {name}"),
    };

    private static PpoConfig Ppo(bool normalize) => new() { Envs = 2, StepsPerEnv = 128, Epochs = 2, Minibatches = 2, NormalizeObservations = normalize, Network = Small };

    private static DqnConfig Dqn(bool dueling) => new()
    {
        LearningRate = 1e-3, BufferSize = 1000, LearningStarts = 100, BatchSize = 16, TargetUpdateInterval = 100, ExplorationSteps = 300,
        Network = new NetworkConfig { Hidden = [16, 16], Activation = Activation.Relu, Orthogonal = false }, Dueling = dueling,
    };

    // A random MLP: inputs -> 8 per activation -> outputs (no activation), weights ~ N(0, 1/in); the last layer scaled so
    // that the outputs reach past the bounds.
    private static InferencePolicy Hand(int inputs, Activation[] activations, int outputs, ActionHead head, Space actionSpace, bool bias,
        double outputScale = 1, ObservationNormalizer? normalizer = null)
    {
        var rng = new Rng(17);
        var layers = new List<DenseLayer>();
        int width = inputs;
        foreach (Activation activation in activations)
        {
            layers.Add(Layer(rng, width, 8, activation, bias, 1));
            width = 8;
        }
        layers.Add(Layer(rng, width, outputs, Activation.Identity, bias, outputScale));
        return new InferencePolicy(inputs, ObservationEncoding.Values, normalizer, new InferenceNetwork(layers), head, actionSpace);
    }

    private static DenseLayer Layer(Rng rng, int inputs, int outputs, Activation activation, bool bias, double scale)
    {
        float[] weight = [.. Enumerable.Range(0, inputs * outputs).Select(_ => (float)(scale * rng.Normal() / Math.Sqrt(inputs)))];
        float[] b = [.. Enumerable.Range(0, outputs).Select(_ => (float)(0.1 * rng.Normal()))];
        return new DenseLayer(Tensor.FromArray(weight, outputs, inputs), bias ? Tensor.FromArray(b, outputs) : null, activation);
    }

    private static PolicyCase Case(string name, string algorithm, string env, InferencePolicy policy, Space observationSpace)
    {
        string checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        return new PolicyCase(name, policy, new OnnxModelInfo(env, algorithm, checksum, observationSpace), Sample(policy, observationSpace, Observations, seed: 23));
    }

    // Half the observations uniform over the space (limits beyond +-5 cut to +-5), half around the normalizer's statistics
    // (mean +- 4 std, so that some are clipped); every value a float32, the input type of the graph.
    internal static double[][] Sample(InferencePolicy policy, Space space, int count, long seed)
    {
        var rng = new Rng(seed);
        var result = new double[count][];
        for (int k = 0; k < count; k++)
        {
            var x = new double[space.FlatSize];
            if (space is Discrete d)
            {
                x[0] = rng.NextInt(d.N);
            }
            else
            {
                var box = (Box)space;
                ObservationNormalizer? normalizer = policy.Normalizer;
                for (int i = 0; i < x.Length; i++)
                {
                    double value = normalizer is not null && k % 2 == 1
                        ? normalizer.Mean[i] + rng.Uniform(-4, 4) * Math.Sqrt(normalizer.Variance[i] + normalizer.Epsilon)
                        : rng.Uniform(Math.Max(box.Low[i], -5), Math.Min(box.High[i], 5));
                    x[i] = (float)value;
                }
            }
            result[k] = x;
        }
        return result;
    }
}
