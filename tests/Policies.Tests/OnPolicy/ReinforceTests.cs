using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OnPolicy;
using Control.Robots;
using Control.Tensors;

namespace Control.Policies.Tests.OnPolicy;

public class ReinforceTests
{
    private static readonly ToleranceComparer Close = new(1e-5);

    [Fact]
    public void RewardToGoMatchesHandValues()
    {
        var q = new double[3];
        Advantages.RewardToGo([1, 2, 3], 0.5, q);
        Assert.Equal([1 + 0.5 * 2 + 0.25 * 3, 2 + 0.5 * 3, 3], q, Close);
        Advantages.RewardToGo([1, 2, 3], 1.0, q);
        Assert.Equal([6.0, 5, 3], q, Close);
    }

    [Fact]
    public void ConstantBaselineIsTheAverageEpisodeReturn()
    {
        Assert.Equal(4.0, ReinforceBaselines.Constant([[3, 2, 1], [5]]), 12);
    }

    [Fact]
    public void TimeDependentBaselineAveragesTheRewardToGoOfTheEpisodesThatReachedEachStep()
    {
        Assert.Equal([(3 + 5) / 2.0, (2 + 4) / 2.0, 1], ReinforceBaselines.TimeDependent([[3, 2, 1], [5, 4]]), Close);
    }

    [Fact]
    public void OptimalConstantBaselineWeightsReturnsBySquaredScoreNorms()
    {
        // b = sum |g|^2 R / sum |g|^2 = (1 * 1 + 3 * 3) / (1 + 3).
        Assert.Equal(2.5, ReinforceBaselines.OptimalConstant([1, 3], [1, 3]), 12);
        Assert.Equal(2.0, ReinforceBaselines.OptimalConstant([1, 3], [0, 0]), 12);
        Assert.Throws<ArgumentException>(() => ReinforceBaselines.OptimalConstant([1, 3], [1]));
    }

    [Fact]
    public void ScoreSquaredNormIsTheNormOfTheSummedPerStepScores()
    {
        var policy = StochasticPolicy.Create(3, new Discrete(3), new NetworkConfig { Hidden = [8] }, new Rng(5));
        SampledEpisode episode = RandomEpisode(new Rng(6), 4, 3, 3);
        double[] summed = new double[policy.ParameterCount];
        for (int t = 0; t < episode.Length; t++)
        {
            double[] g = RowScore(policy, episode.Observations.AsSpan(t * 3, 3).ToArray(), episode.Actions.AsSpan(t, 1).ToArray());
            for (int j = 0; j < g.Length; j++) summed[j] += g[j];
        }
        Assert.Equal(summed.Sum(v => v * v), Reinforce.ScoreSquaredNorm(policy, episode), 1e-4);
    }

    [Fact]
    public void PseudoLossGradientIsTheScoreFunctionEstimate()
    {
        // Categorical policy: the gradient of the pseudo-loss equals -(1/N) sum_k w_k grad log pi(a_k | s_k), each row's
        // score taken by its own backward pass; and on the logit layer's bias it equals the closed form
        // -(1/N) sum_k w_k (onehot(a_k) - softmax(logits_k)).
        var rng = new Rng(11);
        var policy = StochasticPolicy.Create(3, new Discrete(3), new NetworkConfig { Hidden = [8, 8] }, new Rng(12));
        const int rows = 7, episodes = 2;
        float[] observations = Enumerable.Range(0, rows * 3).Select(_ => (float)rng.Normal()).ToArray();
        float[] actions = Enumerable.Range(0, rows).Select(_ => (float)rng.NextInt(3)).ToArray();
        float[] weights = Enumerable.Range(0, rows).Select(_ => (float)rng.Normal(0, 3)).ToArray();

        policy.ZeroGrad();
        Tensor x = Tensor.FromArray(observations, rows, 3);
        Reinforce.PseudoLoss(policy.Distribution(x).LogProb(Tensor.FromArray(actions, rows, 1)), Tensor.FromArray(weights, rows), episodes).Backward();
        double[] autograd = policy.Parameters().SelectMany(p => p.Grad!.ToDoubleArray()).ToArray();
        (string name, Tensor bias) = policy.NamedParameters().Last();
        Assert.EndsWith("bias", name);
        double[] biasGradient = bias.Grad!.ToDoubleArray();

        var expected = new double[autograd.Length];
        for (int k = 0; k < rows; k++)
        {
            double[] g = RowScore(policy, observations.AsSpan(k * 3, 3).ToArray(), [actions[k]]);
            for (int j = 0; j < g.Length; j++) expected[j] -= weights[k] * g[j] / episodes;
        }
        Assert.Equal(expected, autograd, Close);

        double[] logits;
        using (Autograd.NoGrad()) logits = policy.Forward(x).ToDoubleArray();
        var closedForm = new double[3];
        for (int k = 0; k < rows; k++)
        {
            double max = logits.Skip(k * 3).Take(3).Max();
            double[] e = Enumerable.Range(0, 3).Select(c => Math.Exp(logits[k * 3 + c] - max)).ToArray();
            for (int c = 0; c < 3; c++) closedForm[c] -= weights[k] * ((actions[k] == c ? 1 : 0) - e[c] / e.Sum()) / episodes;
        }
        Assert.Equal(closedForm, biasGradient, Close);
    }

    [Fact]
    public void PseudoLossGradientOfAGaussianLogStdIsTheClosedForm()
    {
        // d/d log sigma of log N(a; mu, sigma) = (a - mu)^2 / sigma^2 - 1, so the pseudo-loss gradient is -(1/N) sum_k w_k of that.
        var rng = new Rng(21);
        var policy = (GaussianPolicy)StochasticPolicy.Create(2, new Box([-1.0], [1.0]), new NetworkConfig { Hidden = [8] }, new Rng(22), initialLogStd: -0.3);
        const int rows = 6, episodes = 3;
        float[] observations = Enumerable.Range(0, rows * 2).Select(_ => (float)rng.Normal()).ToArray();
        float[] actions = Enumerable.Range(0, rows).Select(_ => (float)rng.Normal()).ToArray();
        float[] weights = Enumerable.Range(0, rows).Select(_ => (float)rng.Normal(0, 2)).ToArray();
        policy.ZeroGrad();
        Tensor x = Tensor.FromArray(observations, rows, 2);
        Reinforce.PseudoLoss(policy.Distribution(x).LogProb(Tensor.FromArray(actions, rows, 1)), Tensor.FromArray(weights, rows), episodes).Backward();
        (string name, Tensor logStd) = policy.NamedParameters().First();
        Assert.Equal("log_std", name);
        double[] mean;
        using (Autograd.NoGrad()) mean = policy.Forward(x).ToDoubleArray();
        double variance = Math.Exp(2 * -0.3), expected = 0;
        for (int k = 0; k < rows; k++) expected -= weights[k] * ((actions[k] - mean[k]) * (actions[k] - mean[k]) / variance - 1) / episodes;
        Assert.Equal(expected, logStd.Grad!.Item(), 1e-4);
    }

    [Fact]
    public void BadOptionsAreRefusedAtConstructionNamingTheOption()
    {
        using var env = Envs.MakeVector("cartpole", 1, seed: 1);
        Assert.Contains("ReinforceConfig.BatchSteps", Assert.Throws<ArgumentException>(() => new Reinforce(env, new ReinforceConfig { BatchSteps = 0 }, 1)).Message);
        Assert.Contains("ReinforceConfig.LearningRate", Assert.Throws<ArgumentException>(() => new Reinforce(env, new ReinforceConfig { LearningRate = -1e-3 }, 1)).Message);
        Assert.Contains("ReinforceConfig.ValueEpochs", Assert.Throws<ArgumentException>(() => new Reinforce(env, new ReinforceConfig { ValueEpochs = 0 }, 1)).Message);
        Assert.Contains("ReinforceConfig.Gamma", Assert.Throws<ArgumentException>(() => new Reinforce(env, new ReinforceConfig { Gamma = 1.5 }, 1)).Message);
        Assert.Contains("ReinforceConfig.Envs", Assert.Throws<ArgumentException>(() => new Reinforce(env, new ReinforceConfig { Envs = 4 }, 1)).Message);
        string box = Assert.Throws<ArgumentException>(() => new Reinforce(env, new ReinforceConfig { LogStd = LogStdMode.StateDependent }, 1)).Message;
        Assert.Contains("ReinforceConfig.LogStd", box);
        Assert.Contains("Discrete(2)", box);
    }

    [Theory]
    [InlineData(ReinforceBaseline.StateValue, 1)]
    [InlineData(ReinforceBaseline.OptimalConstant, 1)]
    [InlineData(ReinforceBaseline.TimeDependent, 3)]
    public void ResumingFromACheckpointReproducesTheUninterruptedRun(ReinforceBaseline baseline, int envs)
    {
        var config = new ReinforceConfig { Envs = envs, BatchSteps = 300, Baseline = baseline, NormalizeObservations = true };
        using var straightEnv = Envs.MakeVector("cartpole", envs, seed: 7);
        var straight = new Reinforce(straightEnv, config, 7);
        for (int i = 0; i < 2; i++) straight.Iterate();
        var checkpoint = new Checkpoint();
        straight.Save(checkpoint);
        string path = Path.Combine(Path.GetTempPath(), $"ctl-reinforce-{Guid.NewGuid():N}.ctl");
        try
        {
            checkpoint.Save(path);
            var expected = Enumerable.Range(0, 2).Select(_ => straight.Iterate()).ToArray();

            using var resumedEnv = Envs.MakeVector("cartpole", envs, seed: 99);
            var resumed = new Reinforce(resumedEnv, config, 99);
            resumed.Load(Checkpoint.Load(path));
            var actual = Enumerable.Range(0, 2).Select(_ => resumed.Iterate()).ToArray();
            for (int i = 0; i < 2; i++) Assert.Equal(expected[i], actual[i]);
            Assert.Equal(straight.EnvSteps, resumed.EnvSteps);
            Assert.Equal(straight.Network.FlattenParameters().ToFloatArray(), resumed.Network.FlattenParameters().ToFloatArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BatchesAreWholeEpisodesOfAtLeastTheBatchSteps()
    {
        using var env = Envs.MakeVector("cartpole", 1, seed: 3);
        var algorithm = new Reinforce(env, new ReinforceConfig { BatchSteps = 250, Baseline = ReinforceBaseline.Constant }, 3);
        var metrics = algorithm.Iterate();
        Assert.Equal(0, metrics["rollout/discarded_steps"]);
        Assert.True(algorithm.EnvSteps >= 250);
        Assert.Equal(algorithm.EnvSteps, metrics["rollout/episodes"] * metrics["rollout/episode_length"], 6);
    }

    [Fact]
    public void LearnsCartPoleWithAValueBaseline()
    {
        using var env = Envs.MakeVector("cartpole", 1, seed: 1);
        var algorithm = new Reinforce(env, new ReinforceConfig { BatchSteps = 2000, LearningRate = 5e-3 }, 1);
        Trainer.Train(algorithm, new TrainerOptions { TotalSteps = 150_000 });
        EvaluationResult result = Evaluation.Run(algorithm.Policy(deterministic: true), s => Envs.Make("cartpole", s), 5, 1000);
        Assert.True(result.Mean >= 400, $"expected a mean evaluation return of at least 400 after 150k steps, got {result.Mean}");
    }

    [Fact]
    public void LearnsCartPoleWithATimeDependentBaseline()
    {
        using var env = Envs.MakeVector("cartpole", 1, seed: 2);
        var algorithm = new Reinforce(env, new ReinforceConfig { BatchSteps = 2000, LearningRate = 5e-3, Baseline = ReinforceBaseline.TimeDependent }, 2);
        Trainer.Train(algorithm, new TrainerOptions { TotalSteps = 100_000 });
        EvaluationResult result = Evaluation.Run(algorithm.Policy(deterministic: true), s => Envs.Make("cartpole", s), 5, 1000);
        Assert.True(result.Mean >= 150, $"expected a mean evaluation return of at least 150 after 100k steps, got {result.Mean}");
    }

    private static SampledEpisode RandomEpisode(Rng rng, int length, int observationSize, int classes)
    {
        float[] observations = Enumerable.Range(0, length * observationSize).Select(_ => (float)rng.Normal()).ToArray();
        float[] actions = Enumerable.Range(0, length).Select(_ => (float)rng.NextInt(classes)).ToArray();
        return new SampledEpisode(observations, actions, Enumerable.Repeat(1.0, length).ToArray(), length);
    }

    // grad_theta log pi(a | s) of one row by its own backward pass, flattened in parameter order.
    private static double[] RowScore(StochasticPolicy policy, float[] observation, float[] action)
    {
        policy.ZeroGrad();
        policy.Distribution(Tensor.FromArray(observation, 1, observation.Length)).LogProb(Tensor.FromArray(action, 1, action.Length)).Sum().Backward();
        double[] g = policy.Parameters().SelectMany(p => p.Grad!.ToDoubleArray()).ToArray();
        policy.ZeroGrad();
        return g;
    }
}
