using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Robots;
using Control.Tensors;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.Policies.Tests.Common;

public class AdvantageTests
{
    [Fact]
    public void GaeMatchesHandComputedValuesAndStopsAtEpisodeEnds()
    {
        // One env, gamma 0.9, lambda 0.8; the episode ends at t = 1, so t = 0 does not see t = 2.
        float[] rewards = [1, 2, 3], values = [0.5f, 1, 1.5f], advantages = new float[3], returns = new float[3];
        bool[] ends = [false, true, false];
        Advantages.Gae(rewards, values, ends, [2f], 1, 0.9, 0.8, advantages, returns);
        double a2 = 3 + 0.9 * 2 - 1.5;
        double a1 = 2 - 1.0;
        double a0 = (1 + 0.9 * 1 - 0.5) + 0.9 * 0.8 * a1;
        Assert.Equal([a0, a1, a2], advantages.Select(v => (double)v), new ToleranceComparer(1e-6));
        Assert.Equal([a0 + 0.5, a1 + 1, a2 + 1.5], returns.Select(v => (double)v), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void GaeKeepsEnvsApartInTheInterleavedLayout()
    {
        // Two envs, rows t * 2 + i: env 1 gets zero rewards and values, so its advantages are exactly zero,
        // and env 0's match the single-env computation.
        float[] rewards = [1, 0, 2, 0, 3, 0], values = [0.5f, 0, 1, 0, 1.5f, 0], advantages = new float[6], returns = new float[6];
        bool[] ends = [false, false, true, false, false, false];
        Advantages.Gae(rewards, values, ends, [2f, 0f], 2, 0.9, 0.8, advantages, returns);
        float[] single = new float[3], singleReturns = new float[3];
        Advantages.Gae([1, 2, 3], [0.5f, 1, 1.5f], [false, true, false], [2f], 1, 0.9, 0.8, single, singleReturns);
        Assert.Equal(single, new[] { advantages[0], advantages[2], advantages[4] });
        Assert.Equal(new[] { 0f, 0f, 0f }, new[] { advantages[1], advantages[3], advantages[5] });
    }

    [Fact]
    public void GaeWithLambdaOneIsTheDiscountedReturnMinusTheValue()
    {
        float[] rewards = [1, 1, 1, 1], values = [0.3f, -0.2f, 0.7f, 0.1f], advantages = new float[4], returns = new float[4];
        Advantages.Gae(rewards, values, new bool[4], [0.5f], 1, 0.95, 1.0, advantages, returns);
        var rtg = new double[4];
        Advantages.RewardToGo([1, 1, 1, 1], 0.95, rtg, bootstrap: 0.5);
        Assert.Equal(rtg, returns.Select(v => (double)v), new ToleranceComparer(1e-5));
    }

    [Fact]
    public void RewardToGoSumsTheFutureOnly()
    {
        var result = new double[3];
        Advantages.RewardToGo([1, 1, 1], 0.5, result);
        Assert.Equal([1.75, 1.5, 1.0], result);
    }

    [Fact]
    public void BadArgumentsNameWhatWasExpected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Advantages.RewardToGo([1.0], 1.5, new double[1]));
        Assert.Contains("discount", e.Message);
        var g = Assert.Throws<ArgumentException>(() => Advantages.Gae(new float[6], new float[6], new bool[6], [0f], 2, 0.9, 0.9, new float[6], new float[6]));
        Assert.Contains("last values", g.Message);
    }
}

public class SnapshotTests
{
    [Theory]
    [InlineData("cartpole")]
    [InlineData("pendulum")]
    public void VectorEnvResumesExactlyFromASnapshot(string name)
    {
        using var original = Envs.MakeVector(name, 3, seed: 7);
        original.Reset(seed: 7);
        var rng = new Rng(1);
        var action = new double[original.Count * original.ActionSize];
        for (int t = 0; t < 60; t++)
        {
            original.SingleActionSpace.Sample(rng, action.AsSpan(0, original.ActionSize));
            for (int i = 1; i < original.Count; i++) original.SingleActionSpace.Sample(rng, action.AsSpan(i * original.ActionSize, original.ActionSize));
            original.Step(action);
        }
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) original.WriteSnapshot(w);

        using var restored = Envs.MakeVector(name, 3, seed: 999);
        restored.Reset(seed: 999);
        stream.Position = 0;
        using (var r = new BinaryReader(stream)) restored.ReadSnapshot(r);
        Assert.Equal(original.Observations, restored.Observations);
        var actionRng = new Rng(2);
        for (int t = 0; t < 300; t++)
        {
            for (int i = 0; i < original.Count; i++) original.SingleActionSpace.Sample(actionRng, action.AsSpan(i * original.ActionSize, original.ActionSize));
            original.Step(action);
            restored.Step(action);
            Assert.Equal(original.Observations, restored.Observations);
            Assert.Equal(original.Rewards, restored.Rewards);
            Assert.Equal(original.Truncated, restored.Truncated);
            Assert.Equal(original.Terminated, restored.Terminated);
            Assert.Equal(original.EpisodeReturns, restored.EpisodeReturns);
        }
    }

    [Fact]
    public void SnapshotOfAnotherEnvIsRefused()
    {
        var cartpole = (ISnapshotEnv)Envs.Make("cartpole", seed: 1);
        cartpole.Reset(seed: 1);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) cartpole.WriteSnapshot(w);
        var acrobot = (ISnapshotEnv)Envs.Make("acrobot", seed: 1);
        stream.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => acrobot.ReadSnapshot(new BinaryReader(stream)));
        Assert.Contains("'cartpole'", e.Message);
    }

    [Fact]
    public void RngStateContinuesTheStreamIncludingThePendingNormal()
    {
        var rng = new Rng(42);
        rng.Normal();
        var copy = Rng.FromState(rng.GetState());
        for (int i = 0; i < 10; i++) Assert.Equal(rng.Normal(), copy.Normal());
        Assert.Equal(rng.NextUInt64(), copy.NextUInt64());
        Assert.Equal(rng.Fork(3).NextUInt64(), copy.Fork(3).NextUInt64());
    }
}

public class CheckpointTests
{
    private static (Sequential Net, Adam Optimizer) Model()
    {
        var net = Mlp.Create(3, [8], 2, new Rng(5));
        return (net, new Adam(net.Parameters(), new AdamConfig { LearningRate = 0.01 }));
    }

    private static void Train(Sequential net, Adam optimizer, int steps, int offset)
    {
        for (int s = 0; s < steps; s++)
        {
            using var scope = TensorScope.Begin();
            var rng = new Rng(offset + s);
            Tensor x = Tensor.Normal(rng, DType.Float32, 16, 3);
            Tensor y = Tensor.Normal(rng, DType.Float32, 16, 2);
            optimizer.ZeroGrad();
            Loss.Mse(net.Forward(x), y).Backward();
            optimizer.Step();
        }
    }

    [Fact]
    public void ModuleAndAdamResumeBitwise()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ctl-{Guid.NewGuid():N}.ctl");
        try
        {
            var (net, adam) = Model();
            Train(net, adam, 5, 0);
            var checkpoint = new Checkpoint();
            checkpoint.PutModule("net", net);
            checkpoint.PutOptimizer("adam", adam);
            checkpoint.Save(path);
            Train(net, adam, 5, 100);

            var (fresh, freshAdam) = Model();
            var loaded = Checkpoint.Load(path);
            loaded.ReadModule("net", fresh);
            loaded.ReadOptimizer("adam", freshAdam);
            Assert.Equal(5, freshAdam.StepCount);
            Train(fresh, freshAdam, 5, 100);
            Assert.Equal(net.FlattenParameters().ToFloatArray(), fresh.FlattenParameters().ToFloatArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DamagedFilesGiveClearErrorsAndLoadNothing()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ctl-{Guid.NewGuid():N}.ctl");
        try
        {
            var (net, _) = Model();
            var checkpoint = new Checkpoint();
            checkpoint.PutModule("net", net);
            checkpoint.PutJson("config", new { Gamma = 0.99 });
            checkpoint.Save(path);
            byte[] bytes = File.ReadAllBytes(path);

            bytes[40] ^= 0xFF;
            File.WriteAllBytes(path, bytes);
            Assert.Contains("checksum", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path)).Message);

            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            Assert.Contains("truncated", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path)).Message);

            File.WriteAllText(path, "hello");
            Assert.Contains("not a Control checkpoint", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path)).Message);

            checkpoint.Save(path);
            var other = Mlp.Create(3, [9], 2, new Rng(5));
            float[] before = other.FlattenParameters().ToFloatArray();
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path).ReadModule("net", other));
            Assert.Contains("0.weight", e.Message);
            Assert.Equal(before, other.FlattenParameters().ToFloatArray());
            Assert.Contains("'missing'", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path).GetRng("missing")).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OptimizerStateOfTheWrongShapeIsRefusedBeforeAnythingChanges()
    {
        var (net, adam) = Model();
        Train(net, adam, 2, 0);
        var wrong = Tensor.Zeros(4, 4);
        var e = Assert.Throws<ArgumentException>(() => adam.LoadState(7, [("exp_avg.0", wrong)]));
        Assert.Contains("exp_avg.0", e.Message);
        Assert.Equal(2, adam.StepCount);
        Assert.Throws<ArgumentException>(() => adam.LoadState(7, [("velocity.0", wrong)]));
    }
}

public class PolicyNetworkTests
{
    [Fact]
    public void CategoricalLogProbIsTheLogSoftmaxAndSamplesFollowIt()
    {
        var policy = StochasticPolicy.Create(3, new Discrete(3), new NetworkConfig { Orthogonal = false }, new Rng(1));
        Tensor x = Tensor.FromArray(new float[] { 0.5f, -1, 2 }, 1, 3);
        IActionDistribution pi = policy.Distribution(x);
        double[] logits = policy.Forward(x).ToDoubleArray();
        double lse = Math.Log(logits.Sum(Math.Exp));
        for (int a = 0; a < 3; a++)
            Assert.Equal(logits[a] - lse, pi.LogProb(Tensor.FromArray(new float[] { a }, 1, 1)).Item(), 5);
        var counts = new int[3];
        var rng = new Rng(3);
        var action = new double[1];
        for (int k = 0; k < 30000; k++)
        {
            pi.Sample(rng, action);
            counts[(int)action[0]]++;
        }
        for (int a = 0; a < 3; a++) Assert.Equal(Math.Exp(logits[a] - lse), counts[a] / 30000.0, 2);
    }

    [Fact]
    public void GaussianLogProbMatchesTheDensity()
    {
        var box = Box.Uniform(2, -2, 2);
        var policy = StochasticPolicy.Create(3, box, new NetworkConfig(), new Rng(1), initialLogStd: -0.5);
        Tensor x = Tensor.FromArray(new float[] { 0.1f, 0.2f, 0.3f }, 1, 3);
        double[] mean = policy.Forward(x).ToDoubleArray();
        double[] a = [0.4, -0.3];
        double expected = 0;
        for (int i = 0; i < 2; i++) expected += -0.5 * Math.Pow((a[i] - mean[i]) / Math.Exp(-0.5), 2) + 0.5 - 0.5 * Math.Log(2 * Math.PI);
        Assert.Equal(expected, policy.Distribution(x).LogProb(Tensor.FromArray(a.Select(v => (float)v).ToArray(), 1, 2)).Item(), 4);
    }

    [Fact]
    public void PolicyActorClipsToTheBoxAndIsDeterministicForASeed()
    {
        var box = Box.Uniform(1, -0.1, 0.1);
        var policy = StochasticPolicy.Create(2, box, new NetworkConfig(), new Rng(1), initialLogStd: 2);
        var first = new PolicyActor(policy, null, deterministic: false, seed: 5);
        var second = new PolicyActor(policy, null, deterministic: false, seed: 5);
        var a = new double[1];
        var b = new double[1];
        for (int k = 0; k < 20; k++)
        {
            first.Act([0.3, -0.2], a);
            second.Act([0.3, -0.2], b);
            Assert.Equal(a[0], b[0]);
            Assert.InRange(a[0], -0.1, 0.1);
        }
    }
}
