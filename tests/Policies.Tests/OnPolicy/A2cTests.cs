using Control.Core;
using Control.Policies.Common;
using Control.Policies.OnPolicy;
using Control.Robots;
using Control.Tensors;

namespace Control.Policies.Tests.OnPolicy;

public class A2cTests
{
    [Fact]
    public void BadOptionsAreRefusedAtConstructionNamingTheOption()
    {
        using var env = Envs.MakeVector("cartpole", 8, seed: 1);
        string Message(A2cConfig config) => Assert.Throws<ArgumentException>(() => new A2c(env, config, 1)).Message;
        Assert.Contains("A2cConfig.StepsPerEnv", Message(new A2cConfig { StepsPerEnv = 0 }));
        Assert.Contains("A2cConfig.LearningRate", Message(new A2cConfig { LearningRate = 0 }));
        Assert.Contains("A2cConfig.MaxGradNorm", Message(new A2cConfig { MaxGradNorm = -1 }));
        Assert.Contains("A2cConfig.EntropyCoefficient", Message(new A2cConfig { EntropyCoefficient = -0.01 }));
        Assert.Contains("A2cConfig.GaeLambda", Message(new A2cConfig { GaeLambda = 1.2 }));
        Assert.Contains("A2cConfig.RmsPropAlpha", Message(new A2cConfig { RmsPropAlpha = 1 }));
        Assert.Contains("A2cConfig.RewardScale", Message(new A2cConfig { RewardScale = 0 }));
        Assert.Contains("A2cConfig.Envs", Message(new A2cConfig { Envs = 2 }));
        string box = Message(new A2cConfig { InitialLogStd = -1 });
        Assert.Contains("A2cConfig.InitialLogStd", box);
        Assert.Contains("Discrete(2)", box);
    }

    [Fact]
    public void OneUpdateIsOneOptimizerStepOnTheActorCriticLoss()
    {
        // Recompute the loss of the first update from the rollout it collected, with the networks as they were,
        // and check that the reported terms are that loss's parts.
        using var env = Envs.MakeVector("cartpole", 4, seed: 5);
        var config = new A2cConfig { Envs = 4, StepsPerEnv = 6, GaeLambda = 0.9, EntropyCoefficient = 0.01 };
        var algorithm = new A2c(env, config, 5);
        using var replayEnv = Envs.MakeVector("cartpole", 4, seed: 5);
        var replay = new A2c(replayEnv, config, 5);
        var metrics = algorithm.Iterate();

        // The same rollout, collected by hand with an identical twin.
        var buffer = new RolloutBuffer(6, 4, env.ObservationSize, env.ActionSize);
        var rng = new Rng(5).Fork(2);
        new RolloutCollector(replayEnv).Collect(buffer, replay.Network, replay.Critic, rng, config.Gamma);
        buffer.ComputeAdvantages(config.Gamma, config.GaeLambda);
        using var noGrad = Autograd.NoGrad();
        Tensor x = buffer.All(buffer.Observations, env.ObservationSize);
        IActionDistribution pi = replay.Network.Distribution(x);
        double[] logProbs = pi.LogProb(buffer.All(buffer.Actions, 1)).ToDoubleArray();
        double[] values = replay.Critic.Values(x).ToDoubleArray();
        double policyLoss = -Enumerable.Range(0, buffer.Count).Average(k => logProbs[k] * buffer.Advantages[k]);
        double valueLoss = Enumerable.Range(0, buffer.Count).Average(k => (values[k] - buffer.Returns[k]) * (values[k] - buffer.Returns[k]));
        Assert.Equal(policyLoss, metrics["train/policy_loss"], 4);
        Assert.Equal(valueLoss, metrics["train/value_loss"], 3);
        Assert.Equal(pi.Entropy().Mean().Item(), metrics["train/entropy"], 5);
        Assert.NotEqual(replay.Network.FlattenParameters().ToFloatArray(), algorithm.Network.FlattenParameters().ToFloatArray());
    }

    [Theory]
    [InlineData("cartpole", A2cOptimizer.RmsProp)]
    [InlineData("pendulum", A2cOptimizer.Adam)]
    public void ResumingFromACheckpointReproducesTheUninterruptedRun(string envName, A2cOptimizer optimizer)
    {
        var config = new A2cConfig { Envs = 4, Optimizer = optimizer, NormalizeObservations = true, EntropyCoefficient = 0.01 };
        using var straightEnv = Envs.MakeVector(envName, 4, seed: 7);
        var straight = new A2c(straightEnv, config, 7);
        for (int i = 0; i < 30; i++) straight.Iterate();
        var checkpoint = new Checkpoint();
        straight.Save(checkpoint);
        string path = Path.Combine(Path.GetTempPath(), $"ctl-a2c-{Guid.NewGuid():N}.ctl");
        try
        {
            checkpoint.Save(path);
            var expected = Enumerable.Range(0, 20).Select(_ => straight.Iterate()).ToArray();

            using var resumedEnv = Envs.MakeVector(envName, 4, seed: 99);
            var resumed = new A2c(resumedEnv, config, 99);
            resumed.Load(Checkpoint.Load(path));
            var actual = Enumerable.Range(0, 20).Select(_ => resumed.Iterate()).ToArray();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i]);
            Assert.Equal(straight.EnvSteps, resumed.EnvSteps);
            Assert.Equal(straight.Network.FlattenParameters().ToFloatArray(), resumed.Network.FlattenParameters().ToFloatArray());
            Assert.Equal(straight.Critic.FlattenParameters().ToFloatArray(), resumed.Critic.FlattenParameters().ToFloatArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LearnsCartPole()
    {
        using var env = Envs.MakeVector("cartpole", 8, seed: 1);
        var algorithm = new A2c(env, new A2cConfig(), 1);
        Trainer.Train(algorithm, new TrainerOptions { TotalSteps = 200_000 });
        EvaluationResult result = Evaluation.Run(algorithm.Policy(deterministic: true), s => Envs.Make("cartpole", s), 5, 1000);
        Assert.True(result.Mean >= 400, $"expected a mean evaluation return of at least 400 after 200k steps, got {result.Mean}");
    }
}
