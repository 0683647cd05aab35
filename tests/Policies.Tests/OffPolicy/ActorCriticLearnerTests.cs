using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Robots;
using Control.Tensors.NN;

namespace Control.Policies.Tests.OffPolicy;

public class ActorCriticLearnerTests
{
    private static readonly NetworkConfig Small = new() { Hidden = [16, 16], Activation = Activation.Relu, Orthogonal = false };

    // Two copies, a buffer that wraps, several gradient steps per round: everything a checkpoint must carry.
    private static IAlgorithm Make(string algorithm, Core.Envs.IVectorEnv env, long seed) => algorithm switch
    {
        "sac" => new Sac(env, new SacConfig
        {
            Envs = 2, BufferSize = 150, LearningStarts = 40, BatchSize = 16, TrainFrequency = 2, GradientSteps = 3, IterationSteps = 8,
            TargetUpdateInterval = 2, Network = Small,
        }, seed),
        "svg0" => new Svg0(env, new Svg0Config { Envs = 2, BufferSize = 150, LearningStarts = 40, BatchSize = 16, TrainFrequency = 2, GradientSteps = 3, IterationSteps = 8, NSteps = 3, Network = Small }, seed),
        "td3" => new Td3(env, new Td3Config { Envs = 2, BufferSize = 150, LearningStarts = 40, BatchSize = 16, TrainFrequency = 2, GradientSteps = 3, IterationSteps = 8, Network = Small }, seed),
        "td3-ou" => new Td3(env, new Td3Config
        {
            Envs = 2, BufferSize = 150, LearningStarts = 40, BatchSize = 16, IterationSteps = 8, Noise = ExplorationNoise.OrnsteinUhlenbeck, NoiseSigma = 0.3, Network = Small,
        }, seed),
        _ => new Ddpg(env, new DdpgConfig
        {
            Envs = 2, BufferSize = 150, LearningStarts = 40, BatchSize = 16, GradientSteps = 2, IterationSteps = 8, Noise = ExplorationNoise.OrnsteinUhlenbeck, NoiseSigma = 0.3, Network = Small,
        }, seed),
    };

    private static float[] Weights(IAlgorithm learner) => (learner switch
    {
        Sac s => s.Actor.Parameters().Concat(s.Critic.Parameters()).Concat(s.TargetCritic.Parameters()),
        Svg0 v => v.Actor.Parameters().Concat(v.Critic.Parameters()).Concat(v.TargetCritic.Parameters()),
        Td3 t => t.Actor.Parameters().Concat(t.TargetActor.Parameters()).Concat(t.Critic.Parameters()).Concat(t.TargetCritic.Parameters()),
        Ddpg d => d.Actor.Parameters().Concat(d.TargetActor.Parameters()).Concat(d.Critic.Parameters()).Concat(d.TargetCritic.Parameters()),
        _ => throw new ArgumentException(learner.Name),
    }).SelectMany(p => p.ToFloatArray()).ToArray();

    private static (List<double[]> Metrics, float[] Weights) Run(string algorithm, long seed, int iterations, int stopAt = -1)
    {
        var metrics = new List<double[]>();
        var env = Envs.MakeVector("pendulum", 2, seed);
        IAlgorithm learner = Make(algorithm, env, seed);
        string path = Path.Combine(Path.GetTempPath(), $"ctl-{algorithm}-{Guid.NewGuid():N}.ctl");
        try
        {
            for (int k = 0; k < iterations; k++)
            {
                if (k == stopAt)
                {
                    var checkpoint = new Checkpoint();
                    learner.Save(checkpoint);
                    checkpoint.Save(path);
                    env.Dispose();
                    env = Envs.MakeVector("pendulum", 2, seed + 1000);
                    learner = Make(algorithm, env, seed + 1000);
                    learner.Load(Checkpoint.Load(path));
                }
                metrics.Add(learner.Iterate().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToArray());
            }
            return (metrics, Weights(learner));
        }
        finally
        {
            env.Dispose();
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("sac")]
    [InlineData("td3")]
    [InlineData("td3-ou")]
    [InlineData("ddpg")]
    [InlineData("svg0")]
    public void ResumeFromACheckpointReproducesTheUninterruptedRunBitwise(string algorithm)
    {
        (List<double[]> straight, float[] straightWeights) = Run(algorithm, 5, 24);
        (List<double[]> resumed, float[] resumedWeights) = Run(algorithm, 5, 24, stopAt: 13);
        Assert.Equal(straight, resumed);
        Assert.Equal(straightWeights, resumedWeights);
        // Learning happened before and after the checkpoint (the run is not trivially equal).
        Assert.Contains(straight[12], v => v > 0 && double.IsFinite(v));
    }

    // A NaN target-critic weight makes the TD targets NaN: the learner stops before any optimizer step, naming the term.
    [Theory]
    [InlineData("sac")]
    [InlineData("td3")]
    [InlineData("ddpg")]
    public void ANaNTargetCriticWeightStopsTrainingBeforeTheUpdateNamingTheCriticLoss(string algorithm)
    {
        using var env = Envs.MakeVector("pendulum", 2, 3);
        IAlgorithm learner = Make(algorithm, env, 3);
        for (int k = 0; k < 6; k++) learner.Iterate();
        (Tensors.NN.Module target, Tensors.NN.Module actor, Tensors.NN.Module critic) = learner switch
        {
            Sac s => ((Tensors.NN.Module)s.TargetCritic, (Tensors.NN.Module)s.Actor, (Tensors.NN.Module)s.Critic),
            Td3 t => (t.TargetCritic, t.Actor, t.Critic),
            Ddpg d => (d.TargetCritic, d.Actor, d.Critic),
            _ => throw new ArgumentException(algorithm),
        };
        float[] Trained() => [.. actor.Parameters().Concat(critic.Parameters()).SelectMany(p => p.ToFloatArray())];
        float[] before = Trained();
        target.Parameters()[0].Fill(double.NaN);
        var e = Assert.Throws<NonFiniteLossException>(() => learner.Iterate());
        Assert.Equal("critic loss", e.Term);
        Assert.Equal(6, e.Iteration);
        Assert.Equal(algorithm, e.Algorithm);
        Assert.Equal(before, Trained());
    }

    [Fact]
    public void SacLearnsTheTemperatureTowardTheTargetEntropy()
    {
        // A high target entropy keeps raising alpha; a very low one lowers it.
        double AlphaAfter(double targetEntropy)
        {
            using var env = Envs.MakeVector("pendulum", 1, 2);
            var sac = new Sac(env, new SacConfig { BufferSize = 1000, LearningStarts = 50, BatchSize = 32, IterationSteps = 150, TargetEntropy = targetEntropy, LearningRate = 1e-2, Network = Small }, 2);
            sac.Iterate();
            return sac.Alpha;
        }
        Assert.True(AlphaAfter(5) > 1.5, "alpha should grow against an unreachable entropy");
        Assert.True(AlphaAfter(-20) < 0.7, "alpha should shrink against a very low entropy");
    }

    // An env whose rewards are the inner env's times a factor.
    private sealed class ScaledRewards(IEnv inner, double factor) : IEnv
    {
        public string Name => inner.Name;
        public Space ObservationSpace => inner.ObservationSpace;
        public Space ActionSpace => inner.ActionSpace;
        public void Reset(Span<double> observation, long? seed = null) => inner.Reset(observation, seed);
        public StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
        {
            StepResult r = inner.Step(action, observation);
            return r with { Reward = factor * r.Reward };
        }
    }

    // The critics' targets take RewardScale times the reward: SAC with RewardScale c is, weight for weight, SAC with
    // RewardScale 1 on the env with its rewards multiplied by c (c a power of two, so that both products are exact).
    [Fact]
    public void SacRewardScaleActsAsTheEnvsRewardsTimesTheScale()
    {
        float[] Train(double envFactor, double rewardScale)
        {
            using var env = new VectorEnv(i => new ScaledRewards(Envs.Make("pendulum", 7 + i), envFactor), 1);
            var sac = new Sac(env, new SacConfig { BufferSize = 1000, LearningStarts = 50, BatchSize = 32, IterationSteps = 150, RewardScale = rewardScale, Network = Small }, 7);
            sac.Iterate();
            return Weights(sac);
        }
        float[] scaled = Train(1, 0.125);
        Assert.Equal(Train(0.125, 1), scaled);
        Assert.NotEqual(Train(1, 1), scaled);
        using var pendulum = Envs.MakeVector("pendulum", 1, 1);
        var e = Assert.Throws<ArgumentException>(() => new Sac(pendulum, new SacConfig { RewardScale = 0 }, 1));
        Assert.Contains("SacConfig.RewardScale", e.Message);
    }

    [Fact]
    public void UpdateToDataRatioIsGradientStepsPerTrainFrequency()
    {
        using var env = Envs.MakeVector("pendulum", 1, 3);
        var sac = new Sac(env, new SacConfig { BufferSize = 1000, LearningStarts = 20, BatchSize = 8, TrainFrequency = 4, GradientSteps = 3, IterationSteps = 40, Network = Small }, 3);
        sac.Iterate();
        // Rounds ending at 24, 28, ..., 40 env steps train (more than 20 in replay): 5 rounds of 3.
        Assert.Equal(15, sac.GradientStepCount);
        var td3 = new Td3(env, new Td3Config { BufferSize = 1000, LearningStarts = 0, BatchSize = 8, GradientSteps = 2, IterationSteps = 10, Network = Small }, 3);
        td3.Iterate();
        Assert.Equal(20, td3.GradientStepCount);
    }

    private static double TrainAndEvaluate(IAlgorithm learner, long steps)
    {
        Trainer.Train(learner, new TrainerOptions { TotalSteps = steps });
        return Evaluation.Run(learner.Policy(deterministic: true), s => Envs.Make("pendulum", s), 10, 1_000_000).Mean;
    }

    private static readonly NetworkConfig Medium = new() { Hidden = [64, 64], Activation = Activation.Relu, Orthogonal = false };

    [Fact]
    public void SacLearnsThePendulumWithinASmallBudget()
    {
        using var env = Envs.MakeVector("pendulum", 1, 1);
        var sac = new Sac(env, new SacConfig { LearningRate = 1e-3, LearningStarts = 1000, BatchSize = 128, Network = Medium }, 1);
        double mean = TrainAndEvaluate(sac, 6000);
        // A random policy scores about -1200; this run scores about -110 (64-64 networks, batch 128).
        Assert.True(mean > -400, $"expected better than -400 after 6000 steps, got {mean}");
    }

    [Fact]
    public void Td3LearnsThePendulumWithinASmallBudget()
    {
        using var env = Envs.MakeVector("pendulum", 1, 1);
        var td3 = new Td3(env, new Td3Config { Gamma = 0.98, LearningStarts = 1000, BatchSize = 128, Network = Medium }, 1);
        // Delayed actor updates make TD3 the slowest of the three here: about -460 after 6000 steps, -126 after 8000.
        double mean = TrainAndEvaluate(td3, 8000);
        Assert.True(mean > -400, $"expected better than -400 after 8000 steps, got {mean}");
    }

    [Fact]
    public void DdpgLearnsThePendulumWithinASmallBudget()
    {
        using var env = Envs.MakeVector("pendulum", 1, 1);
        var ddpg = new Ddpg(env, new DdpgConfig { Gamma = 0.98, LearningStarts = 1000, BatchSize = 128, Network = Medium }, 1);
        double mean = TrainAndEvaluate(ddpg, 6000);
        // About -115 on this seed.
        Assert.True(mean > -400, $"expected better than -400 after 6000 steps, got {mean}");
    }
}
