using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Policies.OnPolicy;
using Control.Robots;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Tests.Common;

public class InferencePolicyTests
{
    private static readonly NetworkConfig Small = new() { Hidden = [16, 16] };

    // Each algorithm trained briefly on its env with a fixed seed, with and without observation normalization.
    public static TheoryData<string> Cases =>
    [
        "ppo-discrete", "ppo-discrete-normalized", "ppo-gaussian", "ppo-gaussian-normalized", "ppo-gaussian-state-dependent",
        "ppo-kl", "ppo-kl-normalized", "trpo", "trpo-normalized", "npg", "npg-normalized", "a2c", "a2c-normalized",
        "reinforce", "reinforce-normalized", "dqn", "dqn-dueling", "dqn-gridworld",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheCheckpointAloneGivesTheTrainedPolicysActions(string name)
    {
        (string envName, IAlgorithm algorithm, long steps) = Make(name);
        Trainer.Train(algorithm, new TrainerOptions { TotalSteps = steps });
        string path = Path.Combine(Path.GetTempPath(), $"ctl-inference-{Guid.NewGuid():N}.ctl");
        try
        {
            var checkpoint = new Checkpoint();
            algorithm.Save(checkpoint);
            checkpoint.Save(path);
            InferencePolicy loaded = InferencePolicy.Load(path);
            IPolicy trained = algorithm.Policy(deterministic: true);
            Assert.Equal(trained.ObservationSize, loaded.ObservationSize);
            Assert.Equal(trained.ActionSize, loaded.ActionSize);
            var expected = new double[trained.ActionSize];
            var actual = new double[loaded.ActionSize];
            InferencePolicy own = algorithm.InferencePolicy();
            var expectedOutputs = new float[own.Network.Outputs];
            var actualOutputs = new float[loaded.Network.Outputs];
            var distinct = new HashSet<float>();
            foreach (double[] observation in VisitedObservations(envName, 1000, seed: 11))
            {
                trained.Act(observation, expected);
                loaded.Act(observation, actual);
                Assert.Equal(expected, actual);
                own.Outputs(observation, expectedOutputs);
                loaded.Outputs(observation, actualOutputs);
                Assert.Equal(expectedOutputs, actualOutputs);
                double[] byHand = OutputsByHand(loaded, observation);
                for (int i = 0; i < byHand.Length; i++)
                    Assert.True(Math.Abs(byHand[i] - actualOutputs[i]) <= 1e-4 * (1 + Math.Abs(byHand[i])), $"{name}: output {i} is {actualOutputs[i]}, by hand {byHand[i]}");
                distinct.Add(actualOutputs[0]);
            }
            Assert.True(distinct.Count > 5, $"{name}: expected the network's outputs to vary over 1,000 observations, got {distinct.Count} distinct values");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EveryAlgorithmStoresItsPolicyUnderTheSameSections()
    {
        foreach (string name in new[] { "ppo-discrete", "trpo", "a2c", "reinforce", "dqn-dueling" })
        {
            var checkpoint = new Checkpoint();
            Make(name).Algorithm.Save(checkpoint);
            Assert.Contains(InferencePolicy.NormalizerSection, checkpoint.Sections);
            Assert.Contains(InferencePolicy.NetworkSection, checkpoint.Sections);
            Assert.Contains(InferencePolicy.HeadSection, checkpoint.Sections);
            Assert.All(checkpoint.Sections, s => Assert.DoesNotContain(s, new[] { "ppo/value", "a2c/critic", "critic", "q_target" }));
        }
    }

    [Fact]
    public void AnOldFormatCheckpointFailsWithAClearMessage()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ctl-old-{Guid.NewGuid():N}.ctl");
        try
        {
            new Checkpoint().Save(path);
            byte[] bytes = File.ReadAllBytes(path);
            BitConverter.GetBytes(1).CopyTo(bytes, 4);
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<CheckpointException>(() => InferencePolicy.Load(path));
            Assert.Contains("expected checkpoint format version 2, got 1", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ArgmaxHeadTakesTheLargestOutputAndSamplesLogits()
    {
        // Identity weights: the outputs are the observation, so the argmax is the largest entry's index.
        var policy = Identity(3, ActionHead.Argmax(3, logits: true), new Discrete(3));
        var action = new double[1];
        policy.Act([0.1, 2.5, -1.0], action);
        Assert.Equal(1.0, action[0]);
        policy.Act([3.0, 2.5, -1.0], action);
        Assert.Equal(0.0, action[0]);
        // Logits (0, 0, -inf-ish): the third class is never drawn, the others about equally.
        var rng = new Rng(4);
        var counts = new int[3];
        for (int i = 0; i < 2000; i++)
        {
            policy.Sample([0.0, 0.0, -50.0], action, rng);
            counts[(int)action[0]]++;
        }
        Assert.Equal(0, counts[2]);
        Assert.InRange(counts[0], 900, 1100);
        Assert.Throws<InvalidOperationException>(() => Identity(3, ActionHead.Argmax(3, logits: false), new Discrete(3)).Sample([0, 0, 0], action, rng));
    }

    [Fact]
    public void GaussianMeanHeadActsWithTheMeanAndSamplesWithItsStd()
    {
        Tensor logStd = Tensor.FromArray(new float[] { MathF.Log(0.5f), 0f }, 2);
        var policy = Identity(2, ActionHead.GaussianMean(2, logStd), Box.Uniform(2, -10, 10));
        var action = new double[2];
        policy.Act([0.25, -1.5], action);
        Assert.Equal([0.25, -1.5], action);
        var rng = new Rng(9);
        double sum = 0, squares = 0;
        const int draws = 4000;
        for (int i = 0; i < draws; i++)
        {
            policy.Sample([0.25, -1.5], action, rng);
            sum += action[0];
            squares += (action[0] - 0.25) * (action[0] - 0.25);
        }
        Assert.InRange(sum / draws, 0.22, 0.28);
        Assert.InRange(Math.Sqrt(squares / draws), 0.47, 0.53);
    }

    [Fact]
    public void TanhSquashHeadScalesAndShiftsAsComputedByHand()
    {
        var policy = Identity(2, ActionHead.TanhSquash([2.0, 0.5], [1.0, -0.25]), Box.Uniform(2, -10, 10));
        var action = new double[2];
        policy.Act([0.3, -0.7], action);
        Assert.Equal(1.0 + 2.0 * Math.Tanh(0.3f), action[0], 12);
        Assert.Equal(-0.25 + 0.5 * Math.Tanh(-0.7f), action[1], 12);
        Assert.Equal(ActionHeadKind.TanhSquash, policy.Head.Kind);
        Assert.Equal([2.0, 0.5], policy.Head.Scale.ToArray());
    }

    [Fact]
    public void DeterministicHeadIsClippedToTheBox()
    {
        var policy = Identity(2, ActionHead.Deterministic(2), new Box([-1.0, 0.0], [1.0, 2.0]));
        var action = new double[2];
        policy.Act([3.0, -4.0], action);
        Assert.Equal([1.0, 0.0], action);
        policy.Act([0.5, 1.5], action);
        Assert.Equal([0.5, 1.5], action);
    }

    [Fact]
    public void NormalizerStandardizesAndClipsBeforeTheNetwork()
    {
        var normalizer = new ObservationNormalizer([1.0, -2.0], [4.0, 0.25], epsilon: 1e-8, clip: 3.0);
        var policy = new InferencePolicy(2, ObservationEncoding.Values, normalizer, IdentityNetwork(2), ActionHead.Deterministic(2), Box.Uniform(2, -10, 10));
        var outputs = new float[2];
        policy.Outputs([3.0, 0.0], outputs);
        Assert.Equal((float)(2.0 / Math.Sqrt(4.0 + 1e-8)), outputs[0]);
        Assert.Equal(3f, outputs[1]);
    }

    // The map on running statistics (ObservationFilter's) gives the frozen normalizer's values, for short rows (divisors
    // on the stack) and long ones (a pooled buffer, past 128 values), over several rows of a batch.
    [Theory]
    [InlineData(3)]
    [InlineData(200)]
    public void TheMapOnAnyStatisticsEqualsTheFrozenNormalizer(int size)
    {
        var rng = new Rng(size);
        double[] mean = [.. Enumerable.Range(0, size).Select(_ => rng.Normal())];
        double[] variance = [.. Enumerable.Range(0, size).Select(_ => rng.Uniform(0, 4))];
        double[] batch = [.. Enumerable.Range(0, 3 * size).Select(_ => 5 * rng.Normal())];
        float[] frozen = new float[batch.Length], mapped = new float[batch.Length];
        new ObservationNormalizer(mean, variance, epsilon: 1e-8, clip: 3.0).Apply(batch, frozen);
        ObservationNormalizer.Apply(mean, variance, 1e-8, 3.0, batch, mapped);
        Assert.Equal(frozen, mapped);
        Assert.Equal((float)Math.Clamp((batch[size + 1] - mean[1]) / Math.Sqrt(variance[1] + 1e-8), -3, 3), mapped[size + 1]);
    }

    [Fact]
    public void BadInputsAreRejectedSayingWhatWasExpected()
    {
        var policy = Identity(3, ActionHead.Argmax(3, logits: true), new Discrete(3));
        var action = new double[1];
        var wrongLength = Assert.Throws<PolicyInputException>(() => policy.Act([1.0, 2.0], action));
        Assert.Contains("expected an observation of 3 values and an action buffer of 1, got 2 and 1", wrongLength.Message);
        var nan = Assert.Throws<PolicyInputException>(() => policy.Act([1.0, double.NaN, 0.0], action));
        Assert.Contains("expected finite observation values, got NaN at index 1", nan.Message);
        var wrongAction = Assert.Throws<PolicyInputException>(() => policy.Act([1.0, 2.0, 3.0], new double[2]));
        Assert.Contains("action buffer of 1", wrongAction.Message);
        var misfit = Assert.Throws<ArgumentException>(() => Identity(3, ActionHead.Argmax(3, logits: true), new Discrete(4)));
        Assert.Contains("does not fit the action space", misfit.Message);
    }

    [Fact]
    public void PartsAreExposedForAnExporter()
    {
        (_, IAlgorithm dqn, _) = Make("dqn-dueling");
        InferencePolicy policy = dqn.InferencePolicy();
        Assert.NotNull(policy.Network.Dueling);
        Assert.Equal([4, 16], policy.Network.Layers.Select(l => l.Inputs));
        Assert.All(policy.Network.Layers, l => Assert.Equal(Activation.Relu, l.Activation));
        Assert.Equal(16 * 4, policy.Network.Layers[0].Weight.Length);
        Assert.Equal(2, policy.Network.Dueling!.Advantage.Outputs);
        Assert.Equal(ActionHeadKind.Argmax, policy.Head.Kind);
        Assert.False(policy.Head.SamplesLogits);
        Assert.Null(policy.Normalizer);
    }

    // The network's outputs computed in double from the exposed parts alone (what an exporter writes: encoding,
    // normalizer, dense layers [out x in] row-major, activations, dueling streams), independently of the tensor engine.
    private static double[] OutputsByHand(InferencePolicy policy, double[] observation)
    {
        double[] x;
        if (policy.Encoding == ObservationEncoding.OneHot)
        {
            x = new double[policy.Network.Inputs];
            x[(int)observation[0]] = 1;
        }
        else if (policy.Normalizer is ObservationNormalizer n)
        {
            x = observation.Select((v, i) => Math.Clamp((v - n.Mean[i]) / Math.Sqrt(n.Variance[i] + n.Epsilon), -n.Clip, n.Clip)).ToArray();
        }
        else
        {
            x = [.. observation];
        }
        foreach (DenseLayer layer in policy.Network.Layers) x = DenseByHand(layer, x);
        if (policy.Network.Dueling is not DuelingHeads dueling) return x;
        double value = DenseByHand(dueling.Value, x)[0];
        double[] advantage = DenseByHand(dueling.Advantage, x);
        return advantage.Select(a => value + a - advantage.Average()).ToArray();
    }

    private static double[] DenseByHand(DenseLayer layer, double[] x)
    {
        var y = new double[layer.Outputs];
        for (int o = 0; o < y.Length; o++)
        {
            double sum = layer.HasBias ? layer.Bias[o] : 0;
            for (int i = 0; i < layer.Inputs; i++) sum += layer.Weight[o * layer.Inputs + i] * x[i];
            y[o] = layer.Activation switch
            {
                Activation.Identity => sum,
                Activation.Tanh => Math.Tanh(sum),
                Activation.Relu => Math.Max(sum, 0),
                _ => throw new NotSupportedException($"no hand form of {layer.Activation} in this test"),
            };
        }
        return y;
    }

    // A policy whose network outputs its observation, so that the head's work can be checked by hand.
    private static InferencePolicy Identity(int size, ActionHead head, Space space)
        => new(size, ObservationEncoding.Values, null, IdentityNetwork(size), head, space);

    private static InferenceNetwork IdentityNetwork(int size)
    {
        var weight = new float[size * size];
        for (int i = 0; i < size; i++) weight[i * size + i] = 1f;
        return new InferenceNetwork([new DenseLayer(Tensor.FromArray(weight, size, size), Tensor.Zeros(size), Activation.Identity)]);
    }

    private static (string Env, IAlgorithm Algorithm, long Steps) Make(string name)
    {
        bool normalize = name.EndsWith("-normalized", StringComparison.Ordinal);
        string algorithm = normalize ? name[..^"-normalized".Length] : name;
        const long seed = 3;
        return algorithm switch
        {
            "ppo-discrete" => ("cartpole", new Ppo(Envs.MakeVector("cartpole", 2, seed), Ppo("cartpole", normalize), seed), 512),
            "ppo-gaussian" => ("pendulum", new Ppo(Envs.MakeVector("pendulum", 2, seed), Ppo("pendulum", normalize), seed), 512),
            "ppo-gaussian-state-dependent" => ("pendulum",
                new Ppo(Envs.MakeVector("pendulum", 2, seed), Ppo("pendulum", true) with { LogStd = LogStdMode.StateDependent }, seed), 512),
            "ppo-kl" => ("cartpole", new Ppo(Envs.MakeVector("cartpole", 2, seed), Ppo("cartpole", normalize) with { Objective = PpoObjective.AdaptiveKl }, seed), 512),
            "trpo" => ("pendulum", new Trpo(Envs.MakeVector("pendulum", 2, seed),
                new TrpoConfig { StepsPerEnv = 128, CriticEpochs = 1, NormalizeObservations = normalize, PolicyNetwork = Small, CriticNetwork = Small }, seed), 512),
            "npg" => ("cartpole", new Npg(Envs.MakeVector("cartpole", 2, seed),
                new NpgConfig { StepsPerEnv = 128, CriticEpochs = 1, NormalizeObservations = normalize, PolicyNetwork = Small, CriticNetwork = Small }, seed), 512),
            "a2c" => ("cartpole", new A2c(Envs.MakeVector("cartpole", 4, seed),
                new A2cConfig { Envs = 4, NormalizeObservations = normalize, Policy = Small, Value = Small }, seed), 400),
            "reinforce" => ("pendulum", new Reinforce(Envs.MakeVector("pendulum", 1, seed),
                new ReinforceConfig { BatchSteps = 400, NormalizeObservations = normalize, Policy = Small, Value = Small, ValueEpochs = 1 }, seed), 800),
            "dqn" => ("cartpole", new Dqn(Envs.MakeVector("cartpole", 1, seed), Dqn(dueling: false), seed), 600),
            "dqn-dueling" => ("cartpole", new Dqn(Envs.MakeVector("cartpole", 1, seed), Dqn(dueling: true), seed), 600),
            "dqn-gridworld" => ("gridworld", new Dqn(Envs.MakeVector("gridworld", 1, seed), Dqn(dueling: true), seed), 600),
            _ => throw new ArgumentException($"unknown case {name}"),
        };
    }

    private static PpoConfig Ppo(string env, bool normalize) => new()
    {
        Envs = 2, StepsPerEnv = 128, Epochs = 2, Minibatches = 2, NormalizeObservations = normalize, Network = Small,
    };

    private static DqnConfig Dqn(bool dueling) => new()
    {
        LearningRate = 1e-3, BufferSize = 1000, LearningStarts = 100, BatchSize = 16, TargetUpdateInterval = 100, ExplorationSteps = 300,
        Network = new NetworkConfig { Hidden = [16, 16], Activation = Activation.Relu, Orthogonal = false }, Dueling = dueling,
    };

    // Observations the env visits under uniformly random actions, episodes restarted as they end (a fixed seed).
    private static IEnumerable<double[]> VisitedObservations(string envName, int count, long seed)
    {
        IEnv env = Envs.Make(envName, seed);
        var rng = new Rng(seed);
        double[] observation = env.Reset(seed);
        var action = new double[env.ActionSpace.FlatSize];
        for (int i = 0; i < count; i++)
        {
            yield return (double[])observation.Clone();
            env.ActionSpace.Sample(rng, action);
            Transition step = env.Step(action);
            observation = step.Terminated || step.Truncated ? env.Reset(seed + i + 1) : step.Observation;
        }
    }
}
