using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Robots;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Tests.OffPolicy;

public class ReplayTests
{
    private static float[] Obs(float v) => [v, -v];

    [Fact]
    public void RingWrapsAroundKeepingTheNewestAndKeepsTerminationApartFromTruncation()
    {
        var buffer = new ReplayBuffer(3, 2);
        for (int k = 0; k < 5; k++) buffer.Add(Obs(k), k, 10 * k, Obs(k + 1), terminated: k == 3, truncated: k == 4, discount: 0.99f);
        Assert.Equal(3, buffer.Count);
        Assert.Equal(2, buffer.Position);
        // Transitions 3 and 4 overwrote slots 0 and 1; slot 2 still holds transition 2.
        Assert.Equal([3, 4, 2], Enumerable.Range(0, 3).Select(buffer.ActionAt));
        Assert.Equal([30f, 40f, 20f], Enumerable.Range(0, 3).Select(buffer.RewardAt));
        Assert.Equal(Obs(4), buffer.ObservationAt(1).ToArray());
        Assert.Equal(Obs(5), buffer.NextObservationAt(1).ToArray());
        Assert.True(buffer.IsTerminated(0) && !buffer.IsTruncated(0));
        Assert.True(buffer.IsTruncated(1) && !buffer.IsTerminated(1));

        // A batch gathers the same rows; only the terminated one loses its bootstrap.
        var batch = new ReplayBatch(4, 2);
        buffer.Sample(new Rng(5), batch);
        for (int i = 0; i < batch.Size; i++)
        {
            int slot = batch.Indices[i];
            Assert.Equal(buffer.ActionAt(slot), batch.Actions[i]);
            Assert.Equal(buffer.IsTerminated(slot) ? 1f : 0f, batch.Terminated[i]);
            Assert.Equal(1f, batch.Weights[i]);
        }
    }

    [Fact]
    public void UniformSamplingIsDeterministicForASeedAndCoversTheBuffer()
    {
        var buffer = new ReplayBuffer(10, 2);
        for (int k = 0; k < 10; k++) buffer.Add(Obs(k), k, k, Obs(k), false, false, 1f);
        int[] Draw(long seed)
        {
            var rng = new Rng(seed);
            var batch = new ReplayBatch(8, 2);
            var all = new List<int>();
            for (int d = 0; d < 500; d++)
            {
                buffer.Sample(rng, batch);
                all.AddRange(batch.Actions);
            }
            return all.ToArray();
        }
        int[] first = Draw(7);
        Assert.Equal(first, Draw(7));
        Assert.NotEqual(first, Draw(8));
        // 4000 draws over 10 slots: each count is 400 with standard deviation 19.
        foreach (var group in first.GroupBy(a => a)) Assert.InRange(group.Count(), 400 - 5 * 19, 400 + 5 * 19);
        Assert.Equal(10, first.Distinct().Count());
    }

    [Fact]
    public void CheckpointRoundTripRestoresContentsAndPosition()
    {
        var buffer = new ReplayBuffer(4, 2);
        for (int k = 0; k < 6; k++) buffer.Add(Obs(k), k, k, Obs(-k), k == 2, k == 5, 0.5f);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) buffer.Write(w);
        byte[] bytes = stream.ToArray();
        var copy = new ReplayBuffer(4, 2);
        using (var r = new BinaryReader(new MemoryStream(bytes))) copy.Read(r);
        Assert.Equal(buffer.Count, copy.Count);
        Assert.Equal(buffer.Position, copy.Position);
        for (int s = 0; s < 4; s++)
        {
            Assert.Equal(buffer.ActionAt(s), copy.ActionAt(s));
            Assert.Equal(buffer.NextObservationAt(s).ToArray(), copy.NextObservationAt(s).ToArray());
            Assert.Equal(buffer.IsTerminated(s), copy.IsTerminated(s));
            Assert.Equal(buffer.IsTruncated(s), copy.IsTruncated(s));
        }
        Assert.Throws<InvalidDataException>(() =>
        {
            using var r = new BinaryReader(new MemoryStream(bytes));
            new ReplayBuffer(5, 2).Read(r);
        });
    }

    [Fact]
    public void SumTreeSumsAndFindsPrefixesByHand()
    {
        var tree = new SumTree(5);
        double[] values = [1, 0, 3, 2, 4];
        for (int i = 0; i < values.Length; i++) tree.Set(i, values[i]);
        Assert.Equal(10, tree.Total);
        Assert.Equal(0, tree.Minimum);
        // Cumulative: [0, 1) -> 0, [1, 4) -> 2 (leaf 1 is empty), [4, 6) -> 3, [6, 10) -> 4.
        Assert.Equal(0, tree.Find(0));
        Assert.Equal(0, tree.Find(0.999));
        Assert.Equal(2, tree.Find(1));
        Assert.Equal(2, tree.Find(3.5));
        Assert.Equal(3, tree.Find(4));
        Assert.Equal(4, tree.Find(6));
        Assert.Equal(4, tree.Find(9.999));
        tree.Set(2, 0.5);
        Assert.Equal(7.5, tree.Total);
        Assert.Equal(3, tree.Find(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Set(5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Set(0, -1));
    }

    [Fact]
    public void SumTreeDrawsLeavesInProportionToTheirValues()
    {
        var tree = new SumTree(6);
        double[] values = [0.5, 2, 0, 1, 4, 2.5];
        for (int i = 0; i < values.Length; i++) tree.Set(i, values[i]);
        var rng = new Rng(11);
        var counts = new int[values.Length];
        const int draws = 100_000;
        for (int d = 0; d < draws; d++) counts[tree.Find(rng.NextDouble() * tree.Total)]++;
        for (int i = 0; i < values.Length; i++)
        {
            double p = values[i] / values.Sum();
            double sigma = Math.Sqrt(draws * p * (1 - p));
            Assert.InRange(counts[i], draws * p - 5 * sigma, draws * p + 5 * sigma);
        }
        Assert.Equal(0, counts[2]);
    }

    [Fact]
    public void PrioritizedReplayDrawsByPriorityToTheAlphaAndWeightsByImportance()
    {
        const double alpha = 0.7, beta = 0.5, epsilon = 1e-6;
        var buffer = new PrioritizedReplayBuffer(4, 2, alpha, epsilon) { Beta = beta };
        for (int k = 0; k < 4; k++) buffer.Add(Obs(k), k, k, Obs(k), false, false, 1f);
        float[] errors = [0.5f, -2f, 1f, 0.1f];
        buffer.UpdatePriorities([0, 1, 2, 3], errors);
        double[] priorities = errors.Select(e => Math.Pow(Math.Abs(e) + epsilon, alpha)).ToArray();
        double[] p = priorities.Select(v => v / priorities.Sum()).ToArray();
        double maxWeight = Math.Pow(4 * p.Min(), -beta);

        var batch = new ReplayBatch(16, 2);
        var rng = new Rng(3);
        var counts = new int[4];
        const int draws = 4000;
        for (int d = 0; d < draws; d++)
        {
            buffer.Sample(rng, batch);
            for (int i = 0; i < batch.Size; i++)
            {
                int slot = batch.Indices[i];
                counts[slot]++;
                Assert.Equal(slot, batch.Actions[i]);
                Assert.Equal(Math.Pow(4 * p[slot], -beta) / maxWeight, batch.Weights[i], 5);
            }
        }
        int total = draws * batch.Size;
        for (int i = 0; i < 4; i++)
        {
            // Stratified draws vary less than independent ones, so the binomial bound is loose enough.
            double sigma = Math.Sqrt(total * p[i] * (1 - p[i]));
            Assert.InRange(counts[i], total * p[i] - 5 * sigma, total * p[i] + 5 * sigma);
        }
        // The least likely transition has weight 1; a new one gets the largest priority seen so far.
        Assert.Equal(1.0, Math.Pow(4 * p.Min(), -beta) / maxWeight, 12);
        int fresh = buffer.Add(Obs(9), 0, 0, Obs(9), false, false, 1f);
        Assert.Equal(Math.Pow(2 + epsilon, alpha), buffer.Tree[fresh], 12);
        Assert.Throws<ArgumentException>(() => buffer.UpdatePriorities([0], [float.NaN]));
    }
}

public class NStepTests
{
    private static float[] Obs(float v) => [v];

    private static (ReplayBuffer Buffer, NStepAssembler Assembler) Make(int n, double gamma)
    {
        var buffer = new ReplayBuffer(16, 1);
        return (buffer, new NStepAssembler(buffer, 1, n, gamma));
    }

    [Fact]
    public void ThreeStepReturnsByHandThroughATermination()
    {
        // gamma 0.5, rewards 1, 2, 4, 8 from states 0..3; the episode terminates on the 4th step at state 4.
        (ReplayBuffer buffer, NStepAssembler assembler) = Make(3, 0.5);
        float[] rewards = [1, 2, 4, 8];
        for (int t = 0; t < 4; t++) assembler.Add(0, Obs(t), t, rewards[t], Obs(t + 1), terminated: t == 3, truncated: false);
        // Step 0 completes when step 2 arrives: 1 + 0.5 * 2 + 0.25 * 4 = 3, bootstrapped from state 3 with 0.125.
        // The termination flushes steps 1..3: 2 + 2 + 2 = 6, 4 + 4 = 8, and 8, all with s' = 4 and no bootstrap.
        Assert.Equal(4, buffer.Count);
        Assert.Equal([0, 1, 2, 3], Enumerable.Range(0, 4).Select(buffer.ActionAt));
        Assert.Equal([3f, 6f, 8f, 8f], Enumerable.Range(0, 4).Select(buffer.RewardAt));
        Assert.Equal([0.125f, 0.125f, 0.25f, 0.5f], Enumerable.Range(0, 4).Select(buffer.DiscountAt));
        Assert.Equal([3f, 4f, 4f, 4f], Enumerable.Range(0, 4).Select(s => buffer.NextObservationAt(s)[0]));
        Assert.Equal([false, true, true, true], Enumerable.Range(0, 4).Select(buffer.IsTerminated));
        Assert.Equal(0, assembler.Pending(0));
    }

    [Fact]
    public void TruncationFlushesShortReturnsThatStillBootstrap()
    {
        (ReplayBuffer buffer, NStepAssembler assembler) = Make(3, 0.5);
        assembler.Add(0, Obs(0), 0, 1, Obs(1), false, false);
        assembler.Add(0, Obs(1), 1, 2, Obs(2), false, truncated: true);
        // A time limit after two steps: 1 + 0.5 * 2 = 2 with gamma^2, and 2 with gamma; both bootstrap from state 2.
        Assert.Equal([2f, 2f], Enumerable.Range(0, 2).Select(buffer.RewardAt));
        Assert.Equal([0.25f, 0.5f], Enumerable.Range(0, 2).Select(buffer.DiscountAt));
        Assert.Equal([2f, 2f], Enumerable.Range(0, 2).Select(s => buffer.NextObservationAt(s)[0]));
        Assert.All(Enumerable.Range(0, 2), s => Assert.True(buffer.IsTruncated(s) && !buffer.IsTerminated(s)));
        // The next episode starts fresh: nothing of the old one leaks into its returns.
        assembler.Add(0, Obs(10), 2, 5, Obs(11), false, false);
        assembler.Add(0, Obs(11), 0, 5, Obs(12), false, false);
        assembler.Add(0, Obs(12), 1, 5, Obs(13), false, false);
        Assert.Equal(3, buffer.Count);
        Assert.Equal(5 + 2.5f + 1.25f, buffer.RewardAt(2));
        Assert.Equal(10f, buffer.ObservationAt(2)[0]);
        Assert.Equal(13f, buffer.NextObservationAt(2)[0]);
    }

    [Fact]
    public void OneStepIsThePlainTransitionAndCopiesStayApart()
    {
        var buffer = new ReplayBuffer(8, 1);
        var assembler = new NStepAssembler(buffer, 2, 1, 0.9);
        assembler.Add(0, Obs(0), 1, 3, Obs(1), false, false);
        assembler.Add(1, Obs(100), 0, 7, Obs(101), true, false);
        Assert.Equal([3f, 7f], new[] { buffer.RewardAt(0), buffer.RewardAt(1) });
        Assert.Equal([0.9f, 0.9f], new[] { buffer.DiscountAt(0), buffer.DiscountAt(1) });
        Assert.Equal(101f, buffer.NextObservationAt(1)[0]);
        Assert.True(buffer.IsTerminated(1));
    }
}

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
        var batch = new ReplayBatch(3, 2);
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
        var batch = new ReplayBatch(1, 2);
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
