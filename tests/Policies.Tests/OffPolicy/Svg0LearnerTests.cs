using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Robots;
using Control.Tensors.NN;

namespace Control.Policies.Tests.OffPolicy;

// SVG(0) on the pendulum and its Gumbel-softmax form on CartPole: the action spaces each refuses, the stop on a
// non-finite loss, the Gumbel learner's entropy weight moving toward its target, checkpoint resume of the Discrete
// learner (the continuous one is in the actor-critics' resume theory) and learning within small budgets.
public class Svg0LearnerTests
{
    private static readonly NetworkConfig Small = new() { Hidden = [16, 16], Activation = Activation.Relu, Orthogonal = false };

    [Fact]
    public void Svg0RefusesADiscreteActionSpaceAndTheGumbelFormABox()
    {
        using var cartpole = Envs.MakeVector("cartpole", 1, 1);
        var e = Assert.Throws<ActionSpaceException>(() => new Svg0(cartpole, new Svg0Config { Network = Small }, 1));
        Assert.Equal("svg0", e.Algorithm);
        Assert.Contains("Box", e.Message);
        using var pendulum = Envs.MakeVector("pendulum", 1, 1);
        var g = Assert.Throws<ActionSpaceException>(() => new Svg0Gumbel(pendulum, new Svg0GumbelConfig { Network = Small }, 1));
        Assert.Equal("svg0-gumbel", g.Algorithm);
        Assert.Contains("Discrete", g.Message);
    }

    [Fact]
    public void ANaNTargetCriticWeightStopsSvg0BeforeTheUpdateNamingTheCriticLoss()
    {
        using var env = Envs.MakeVector("pendulum", 1, 2);
        var svg = new Svg0(env, new Svg0Config { BufferSize = 200, LearningStarts = 20, BatchSize = 8, IterationSteps = 40, Network = Small }, 2);
        svg.Iterate();
        svg.TargetCritic.Parameters()[0].Fill(double.NaN);
        float[] actorBefore = svg.Actor.Parameters().SelectMany(p => p.ToFloatArray()).ToArray();
        var e = Assert.Throws<NonFiniteLossException>(() => svg.Iterate());
        Assert.Equal("critic loss", e.Term);
        Assert.Equal(1, e.Iteration);
        Assert.Equal("svg0", e.Algorithm);
        Assert.All(svg.Critic.Parameters().SelectMany(p => p.ToFloatArray()), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(actorBefore, svg.Actor.Parameters().SelectMany(p => p.ToFloatArray()).ToArray());
    }

    [Fact]
    public void ANaNTargetCriticWeightStopsTheGumbelLearnerBeforeTheUpdateNamingTheCriticLoss()
    {
        using var env = Envs.MakeVector("cartpole", 1, 2);
        var svg = new Svg0Gumbel(env, new Svg0GumbelConfig { BufferSize = 200, LearningStarts = 20, BatchSize = 8, IterationSteps = 40, Network = Small }, 2);
        svg.Iterate();
        svg.TargetCritic.Parameters()[0].Fill(double.NaN);
        var e = Assert.Throws<NonFiniteLossException>(() => svg.Iterate());
        Assert.Equal("critic loss", e.Term);
        Assert.Equal("svg0-gumbel", e.Algorithm);
        Assert.All(svg.Critic.Parameters().SelectMany(p => p.ToFloatArray()), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void ANaNActorWeightStopsTheGumbelLearnerAtTheTemperatureLossBeforeAnyUpdate()
    {
        using var env = Envs.MakeVector("cartpole", 1, 3);
        var svg = new Svg0Gumbel(env, new Svg0GumbelConfig { BufferSize = 200, LearningStarts = 20, BatchSize = 8, IterationSteps = 40, Network = Small }, 3);
        svg.Iterate();
        double alpha = svg.Alpha;
        float[] criticBefore = svg.Critic.Parameters().SelectMany(p => p.ToFloatArray()).ToArray();
        // Poison the output layer only: acting still works on the collected steps of the next round, the entropy does not.
        svg.Actor.Parameters()[^1].Fill(double.NaN);
        var e = Assert.Throws<NonFiniteLossException>(() => svg.Iterate());
        Assert.Equal("temperature loss", e.Term);
        Assert.Equal("svg0-gumbel", e.Algorithm);
        Assert.Equal(alpha, svg.Alpha);
        Assert.Equal(criticBefore, svg.Critic.Parameters().SelectMany(p => p.ToFloatArray()).ToArray());
    }

    [Fact]
    public void ANaNCriticWeightWithAFixedEntropyWeightStopsTheGumbelLearnerNamingTheCriticLoss()
    {
        using var env = Envs.MakeVector("cartpole", 1, 4);
        var svg = new Svg0Gumbel(env, new Svg0GumbelConfig
        {
            BufferSize = 200, LearningStarts = 20, BatchSize = 8, IterationSteps = 40, Network = Small, LearnEntropyCoefficient = false, EntropyCoefficient = 0.5,
        }, 4);
        svg.Iterate();
        Assert.Equal(0.5, svg.Alpha, 6);
        svg.Critic.Q2.Parameters()[0].Fill(double.NaN);
        float[] actorBefore = svg.Actor.Parameters().SelectMany(p => p.ToFloatArray()).ToArray();
        var e = Assert.Throws<NonFiniteLossException>(() => svg.Iterate());
        Assert.Equal("critic loss", e.Term);
        Assert.Equal(actorBefore, svg.Actor.Parameters().SelectMany(p => p.ToFloatArray()).ToArray());
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(1.0)]
    public void TheEntropyWeightMovesTowardTheTargetEntropy(double fraction)
    {
        // A fresh policy is near uniform, log 2 nats on CartPole: a target of 5% of that lowers alpha, the full log 2 raises it.
        using var env = Envs.MakeVector("cartpole", 1, 7);
        var svg = new Svg0Gumbel(env, new Svg0GumbelConfig
        {
            BufferSize = 2000, LearningStarts = 100, BatchSize = 32, IterationSteps = 200, Network = Small, TargetEntropyFraction = fraction,
        }, 7);
        Assert.Equal(fraction * Math.Log(2), svg.TargetEntropy, 12);
        Assert.Equal(1.0, svg.Alpha, 6);
        IReadOnlyDictionary<string, double> metrics = svg.Iterate();
        Assert.Equal(svg.Alpha, metrics["train/alpha"]);
        if (fraction < 1) Assert.True(svg.Alpha < 0.99, $"expected alpha to fall below 1 toward {svg.TargetEntropy} nats, got {svg.Alpha} at entropy {metrics["train/entropy"]}");
        else Assert.True(svg.Alpha > 1.01, $"expected alpha to rise above 1 toward {svg.TargetEntropy} nats, got {svg.Alpha} at entropy {metrics["train/entropy"]}");
    }

    private static IAlgorithm MakeGumbel(Core.Envs.IVectorEnv env, long seed) => new Svg0Gumbel(env, new Svg0GumbelConfig
    {
        Envs = 2, BufferSize = 150, LearningStarts = 40, BatchSize = 16, TrainFrequency = 2, GradientSteps = 3, IterationSteps = 8, NSteps = 3, Network = Small,
    }, seed);

    private static (List<double[]> Metrics, float[] Weights) RunGumbel(long seed, int iterations, int stopAt = -1)
    {
        var metrics = new List<double[]>();
        var env = Envs.MakeVector("cartpole", 2, seed);
        var learner = (Svg0Gumbel)MakeGumbel(env, seed);
        string path = Path.Combine(Path.GetTempPath(), $"ctl-svg0-gumbel-{Guid.NewGuid():N}.ctl");
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
                    env = Envs.MakeVector("cartpole", 2, seed + 1000);
                    learner = (Svg0Gumbel)MakeGumbel(env, seed + 1000);
                    learner.Load(Checkpoint.Load(path));
                }
                metrics.Add(learner.Iterate().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToArray());
            }
            float[] weights = learner.Actor.Parameters().Concat(learner.Critic.Parameters()).Concat(learner.TargetCritic.Parameters()).SelectMany(p => p.ToFloatArray())
                .Append((float)learner.Alpha).ToArray();
            return (metrics, weights);
        }
        finally
        {
            env.Dispose();
            File.Delete(path);
        }
    }

    [Fact]
    public void GumbelResumeFromACheckpointReproducesTheUninterruptedRunBitwise()
    {
        (List<double[]> straight, float[] straightWeights) = RunGumbel(5, 24);
        (List<double[]> resumed, float[] resumedWeights) = RunGumbel(5, 24, stopAt: 13);
        Assert.Equal(straight, resumed);
        Assert.Equal(straightWeights, resumedWeights);
        Assert.Contains(straight[12], v => v > 0 && double.IsFinite(v));
    }

    [Fact]
    public void TheGumbelLearnersDeterministicPolicyIsTheArgmaxOfItsLogits()
    {
        using var env = Envs.MakeVector("cartpole", 1, 6);
        var svg = new Svg0Gumbel(env, new Svg0GumbelConfig { Network = Small }, 6);
        InferencePolicy policy = svg.InferencePolicy();
        Assert.Equal(ActionHeadKind.Argmax, policy.Head.Kind);
        Assert.True(policy.Head.SamplesLogits);
        double[] observation = [0.01, -0.2, 0.03, 0.4];
        var action = new double[1];
        svg.Policy(deterministic: true).Act(observation, action);
        float[] logits = svg.Actor.Forward(Tensors.Tensor.FromArray(observation.Select(v => (float)v).ToArray(), 1, 4)).ToFloatArray();
        Assert.Equal(Array.IndexOf(logits, logits.Max()), (int)action[0]);
    }

    private static readonly NetworkConfig Medium = new() { Hidden = [64, 64], Activation = Activation.Relu, Orthogonal = false };

    [Fact]
    public void Svg0ImprovesOnARandomPolicyOnThePendulumWithinASmallBudget()
    {
        using var env = Envs.MakeVector("pendulum", 1, 1);
        var svg = new Svg0(env, new Svg0Config { LearningRate = 1e-3, LearningStarts = 1000, BatchSize = 128, Network = Medium }, 1);
        Trainer.Train(svg, new TrainerOptions { TotalSteps = 6000 });
        double mean = Evaluation.Run(svg.Policy(deterministic: true), s => Envs.Make("pendulum", s), 10, 1_000_000).Mean;
        // A random policy scores about -1200.
        Assert.True(mean > -600, $"expected better than -600 after 6000 steps, got {mean}");
    }

    [Fact]
    public void Svg0GumbelLearnsCartPoleWithinASmallBudget()
    {
        using var env = Envs.MakeVector("cartpole", 1, 1);
        var svg = new Svg0Gumbel(env, new Svg0GumbelConfig { LearningRate = 3e-4, TargetEntropyFraction = 0.5, NSteps = 3 }, 1);
        Trainer.Train(svg, new TrainerOptions { TotalSteps = 15_000 });
        double mean = Evaluation.Run(svg.Policy(deterministic: true), s => Envs.Make("cartpole", s), 10, 1_000_000).Mean;
        // A random policy scores about 22.
        Assert.True(mean > 100, $"expected better than 100 after 15,000 steps, got {mean}");
    }
}
