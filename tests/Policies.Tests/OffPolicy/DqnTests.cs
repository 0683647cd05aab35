using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Robots;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Tests.OffPolicy;

public class DqnTests
{
    // Q(s) = W s + b for 2 inputs and 3 actions, weights set by hand.
    private static QNetwork Linear(float[] weight, float[] bias)
    {
        var q = new QNetwork(2, 3, new NetworkConfig { Hidden = [] }, new Rng(0));
        IReadOnlyList<Tensor> p = q.Parameters();
        weight.CopyTo(p[0].Span<float>());
        bias.CopyTo(p[1].Span<float>());
        return q;
    }

    private static double[] HandQ(float[] w, float[] b, float[] s) =>
        Enumerable.Range(0, 3).Select(a => (double)w[2 * a] * s[0] + w[2 * a + 1] * s[1] + b[a]).ToArray();

    [Fact]
    public void DoubleDqnTargetEqualsTheHandComputedValue()
    {
        float[] wOnline = [1, 0, 0, 1, -1, -1], bOnline = [0, 0, 0.5f];
        float[] wTarget = [0.5f, 0.5f, 2, 0, 0, -2], bTarget = [0, 1, 0];
        QNetwork online = Linear(wOnline, bOnline), target = Linear(wTarget, bTarget);
        var batch = new ReplayBatch(3, 2, 1);
        float[][] next = [[1, 2], [-1, -1], [3, -0.5f]];
        for (int i = 0; i < 3; i++) next[i].CopyTo(batch.NextObservations, 2 * i);
        batch.Rewards[0] = 1; batch.Rewards[1] = -0.5f; batch.Rewards[2] = 2;
        batch.Discounts[0] = 0.9f; batch.Discounts[1] = 0.81f; batch.Discounts[2] = 0.9f;
        batch.Terminated[2] = 1;

        var dqn = new float[3];
        var ddqn = new float[3];
        Dqn.ComputeTargets(batch, online, target, doubleQ: false, dqn);
        Dqn.ComputeTargets(batch, online, target, doubleQ: true, ddqn);
        for (int i = 0; i < 3; i++)
        {
            double[] qOnline = HandQ(wOnline, bOnline, next[i]), qTarget = HandQ(wTarget, bTarget, next[i]);
            int best = Array.IndexOf(qOnline, qOnline.Max());
            double bootstrap = batch.Discounts[i] * (1 - batch.Terminated[i]);
            Assert.Equal(batch.Rewards[i] + bootstrap * qTarget.Max(), dqn[i], 5);
            Assert.Equal(batch.Rewards[i] + bootstrap * qTarget[best], ddqn[i], 5);
        }
        // Row 0 by hand: online Q(s') = (1, 2, -2.5), target Q(s') = (1.5, 3, -4); both pick action 1, y = 1 + 0.9 * 3.
        Assert.Equal(1 + 0.9 * 3, dqn[0], 5);
        // Row 1: online Q = (-1, -1, 2.5) picks action 2, target Q = (-1, -1, 2): y = -0.5 + 0.81 * 2 either way;
        // row 2 is terminated: y = r.
        Assert.Equal(-0.5 + 0.81 * 2, ddqn[1], 5);
        Assert.Equal(2, ddqn[2], 6);
    }

    [Fact]
    public void DoubleDqnDiffersFromDqnWhereTheNetworksDisagree()
    {
        // Online prefers action 0, the target values action 1 most: DQN uses max target Q, Double DQN target Q(., 0).
        QNetwork online = Linear([1, 0, 0, 0, 0, 0], [0, 0, 0]), target = Linear([0, 0, 1, 0, 0, 0], [0, 0, 0]);
        var batch = new ReplayBatch(1, 2, 1);
        batch.NextObservations[0] = 2;
        batch.Discounts[0] = 0.5f;
        var dqn = new float[1];
        var ddqn = new float[1];
        Dqn.ComputeTargets(batch, online, target, false, dqn);
        Dqn.ComputeTargets(batch, online, target, true, ddqn);
        Assert.Equal(0.5f * 2, dqn[0]);
        Assert.Equal(0f, ddqn[0]);
    }

    [Fact]
    public void HuberTdLossGradientIsTheClippedErrorTimesTheWeight()
    {
        // Errors on both sides of delta = 1: d = q - y = (0.3, -2.5, 1.7, -0.4).
        float[] qValues = [1.3f, -2.5f, 2.7f, 0.6f], y = [1, 0, 1, 1], w = [1, 0.5f, 0.25f, 2];
        Tensor q = Tensor.FromArray(qValues, 4, 1);
        q.RequiresGrad = true;
        Tensor loss = TdLoss.Huber(q, Tensor.FromArray(y, 4, 1), Tensor.FromArray(w, 4, 1), 1.0);
        loss.Backward();
        double[] d = qValues.Select((v, i) => (double)v - y[i]).ToArray();
        double expectedLoss = d.Select((e, i) => w[i] * (Math.Abs(e) <= 1 ? 0.5 * e * e : Math.Abs(e) - 0.5)).Sum() / 4;
        Assert.Equal(expectedLoss, loss.Item(), 5);
        double[] grad = q.Grad!.ToDoubleArray();
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(w[i] * Math.Clamp(d[i], -1, 1) / 4, grad[i], 6);
            // Central differences of the loss in double precision.
            double h = 1e-3;
            double Value(double qi)
            {
                double e = qi - y[i];
                return w[i] * (Math.Abs(e) <= 1 ? 0.5 * e * e : Math.Abs(e) - 0.5) / 4;
            }
            Assert.Equal((Value(qValues[i] + h) - Value(qValues[i] - h)) / (2 * h), grad[i], 4);
        }
        // Without weights it is PyTorch's smooth L1 (Huber) loss.
        Tensor plain = TdLoss.Huber(Tensor.FromArray(qValues, 4, 1), Tensor.FromArray(y, 4, 1), null, 1.0);
        Assert.Equal(d.Select(e => Math.Abs(e) <= 1 ? 0.5 * e * e : Math.Abs(e) - 0.5).Average(), plain.Item(), 5);
    }

    [Fact]
    public void EpsilonFallsLinearlyThenStays()
    {
        using var env = Envs.MakeVector("cartpole", 1, 0);
        var dqn = new Dqn(env, new DqnConfig { InitialEpsilon = 1, FinalEpsilon = 0.1, ExplorationSteps = 1000, BufferSize = 10 }, 0);
        Assert.Equal(1.0, dqn.Epsilon(0));
        Assert.Equal(0.55, dqn.Epsilon(500), 12);
        Assert.Equal(0.1, dqn.Epsilon(1000), 12);
        Assert.Equal(0.1, dqn.Epsilon(50_000), 12);
    }

    [Theory]
    [InlineData("LearningRate")]
    [InlineData("BufferSize")]
    [InlineData("BatchSize")]
    [InlineData("TrainFrequency")]
    [InlineData("GradientSteps")]
    [InlineData("TargetUpdateInterval")]
    [InlineData("Tau")]
    [InlineData("ExplorationSteps")]
    [InlineData("NSteps")]
    [InlineData("Gamma")]
    public void BadOptionsAreRefusedAtConstructionNamingTheOption(string option)
    {
        DqnConfig config = option switch
        {
            "LearningRate" => new DqnConfig { LearningRate = 0 },
            "BufferSize" => new DqnConfig { BufferSize = -5 },
            "BatchSize" => new DqnConfig { BatchSize = 0 },
            "TrainFrequency" => new DqnConfig { TrainFrequency = 0 },
            "GradientSteps" => new DqnConfig { GradientSteps = 0 },
            "TargetUpdateInterval" => new DqnConfig { TargetUpdateInterval = 0 },
            "Tau" => new DqnConfig { Tau = 0 },
            "ExplorationSteps" => new DqnConfig { ExplorationSteps = -1 },
            "NSteps" => new DqnConfig { NSteps = 0 },
            _ => new DqnConfig { Gamma = 1.5 },
        };
        using var env = Envs.MakeVector("cartpole", 1, 0);
        var e = Assert.Throws<ArgumentException>(() => new Dqn(env, config, 0));
        Assert.Contains($"DqnConfig.{option}", e.Message);
        Assert.Contains("expected", e.Message);
    }

    [Fact]
    public void ContinuousActionsAreRefusedNamingTheActionSpace()
    {
        using var env = Envs.MakeVector("pendulum", 1, 0);
        var e = Assert.Throws<ArgumentException>(() => new Dqn(env, new DqnConfig { BufferSize = 10 }, 0));
        Assert.Contains("expected a Discrete action space", e.Message);
        Assert.Contains("Box", e.Message);
        using var two = Envs.MakeVector("cartpole", 2, 0);
        Assert.Contains("DqnConfig.Envs", Assert.Throws<ArgumentException>(() => new Dqn(two, new DqnConfig { BufferSize = 10 }, 0)).Message);
    }

    [Fact]
    public void GridworldCellsAreOneHotInputs()
    {
        var destination = new float[8];
        QInputs.Encode(new Discrete(4), [2.0, 0.0], destination);
        Assert.Equal([0f, 0, 1, 0, 1, 0, 0, 0], destination);
        Assert.Throws<ArgumentException>(() => QInputs.Encode(new Discrete(4), [4.0], new float[4]));
        using var env = Envs.MakeVector("gridworld", 1, 0);
        var dqn = new Dqn(env, new DqnConfig { BufferSize = 100, LearningStarts = 8, BatchSize = 4 }, 1);
        for (int i = 0; i < 10; i++) dqn.Iterate();
        Assert.Equal(16, dqn.Network.ObservationSize);
        Assert.True(dqn.GradientStepCount > 0);
    }

    // Every switch on, a buffer that wraps, and two copies, so that the checkpoint must carry all the state.
    private static DqnConfig Small(bool switches) => new()
    {
        Envs = 2, LearningRate = 1e-3, BufferSize = 150, LearningStarts = 40, BatchSize = 16, TrainFrequency = 8, GradientSteps = switches ? 3 : -1,
        TargetUpdateInterval = 24, Tau = switches ? 0.5 : 1.0, ExplorationSteps = 200, PriorityBetaSteps = 300,
        Network = new NetworkConfig { Hidden = [16, 16], Activation = Activation.Relu, Orthogonal = false },
        Double = switches, Dueling = switches, Prioritized = switches, NSteps = switches ? 3 : 1,
    };

    private static (List<double[]> Metrics, float[] Weights) Run(DqnConfig config, long seed, int iterations, int stopAt = -1)
    {
        var metrics = new List<double[]>();
        var env = Envs.MakeVector("cartpole", config.Envs, seed);
        var dqn = new Dqn(env, config, seed);
        string path = Path.Combine(Path.GetTempPath(), $"ctl-dqn-{Guid.NewGuid():N}.ctl");
        try
        {
            for (int k = 0; k < iterations; k++)
            {
                if (k == stopAt)
                {
                    var checkpoint = new Checkpoint();
                    dqn.Save(checkpoint);
                    checkpoint.Save(path);
                    env.Dispose();
                    env = Envs.MakeVector("cartpole", config.Envs, seed + 1000);
                    dqn = new Dqn(env, config, seed + 1000);
                    dqn.Load(Checkpoint.Load(path));
                }
                metrics.Add(dqn.Iterate().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToArray());
            }
            float[] weights = dqn.Network.Parameters().Concat(dqn.TargetNetwork.Parameters()).SelectMany(p => p.ToFloatArray()).ToArray();
            return (metrics, weights);
        }
        finally
        {
            env.Dispose();
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ResumeFromACheckpointReproducesTheUninterruptedRunBitwise(bool switches)
    {
        DqnConfig config = Small(switches);
        (List<double[]> straight, float[] straightWeights) = Run(config, 5, 24);
        (List<double[]> again, float[] againWeights) = Run(config, 5, 24);
        (List<double[]> resumed, float[] resumedWeights) = Run(config, 5, 24, stopAt: 13);
        Assert.Equal(straight, again);
        Assert.Equal(straightWeights, againWeights);
        Assert.Equal(straight, resumed);
        Assert.Equal(straightWeights, resumedWeights);
        Assert.Contains(straight[^1], v => v > 0);
    }

    [Fact]
    public void LearnsCartPoleWithinASmallBudget()
    {
        // The CLI's run `control train --env cartpole --algo dqn --steps 50000 --seed 1`, evaluated the same way.
        using var env = Envs.MakeVector("cartpole", 1, 1);
        var dqn = new Dqn(env, DqnConfig.CartPole, 1);
        Trainer.Train(dqn, new TrainerOptions { TotalSteps = 50_000 });
        EvaluationResult result = Evaluation.Run(dqn.Policy(deterministic: true), s => Envs.Make("cartpole", s), 20, 1_001_000);
        // A random policy lasts ~22 steps; 475 is CartPole-v1's reward threshold.
        Assert.True(result.Mean >= 475, $"expected a mean return of at least 475 after 50k steps, got {result.Mean}");
    }

    [Fact]
    public void DuelingHeadsCombineAsValuePlusCenteredAdvantage()
    {
        var q = new QNetwork(4, 3, new NetworkConfig { Hidden = [16, 16] }, new Rng(2), dueling: true);
        Tensor x = Tensor.Normal(new Rng(3), DType.Float32, 5, 4);
        Tensor values = q.Forward(x);
        Assert.Equal(new[] { 5, 3 }, values.ShapeArray());
        var plain = new QNetwork(4, 3, new NetworkConfig(), new Rng(2));
        Assert.Equal(new[] { 5, 3 }, plain.Forward(x).ShapeArray());
        Assert.Contains(q.NamedParameters(), p => p.Name.StartsWith("advantage."));
    }
}
