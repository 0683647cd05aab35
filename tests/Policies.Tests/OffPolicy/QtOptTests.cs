using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Robots;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Tests.OffPolicy;

// QT-Opt: the cross-entropy maximizer, the clipped double-Q targets, the policy, checkpoints, bad input, learning.
// The critics' loss is TD3's twin squared error, whose gradient ActorCriticGradientTests checks against finite differences.
public class QtOptTests
{
    private static readonly NetworkConfig Small = new() { Hidden = [16, 16], Activation = Activation.Relu, Orthogonal = false };

    // Q(s, a) = -sum_j w_j (a_j - s_j)^2 on rows [s_0, s_1, a_0, a_1]: concave, its maximum over the box at clip(s, -1, 1).
    private sealed class Quadratic : Module
    {
        public override Tensor Forward(Tensor input)
        {
            Tensor d = input.Narrow(1, 2, 2) - input.Narrow(1, 0, 2);
            Tensor weights = Tensor.FromArray([1f, 4f], 1, 2);
            return (d.Square() * weights).Sum(1, keepDim: true).Neg();
        }
    }

    [Fact]
    public void CemFindsTheMaximumOfAConcaveQuadraticPerRowInsideTheBox()
    {
        // A different optimum per row: inside the box, on it, and outside it (the maximum is then on the bound).
        float[] observations = [0.3f, -0.6f, -0.8f, 0.1f, 0f, 0.95f, 1.7f, -3f, -0.2f, 0.5f];
        int states = observations.Length / 2;
        var actions = new float[states * 2];
        var paperCem = new QCem(2, 2, 8, 64, 6, 2, 1.0);
        var longerCem = new QCem(2, 2, 8, 64, 6, 6, 1.0);
        var rng = new Rng(11);
        foreach ((QCem cem, double tolerance) in new[] { (paperCem, 0.15), (longerCem, 0.01) })
        {
            cem.Maximize(new Quadratic(), observations, states, rng, actions);
            for (int i = 0; i < actions.Length; i++)
            {
                Assert.InRange(actions[i], -1f, 1f);
                double optimum = Math.Clamp(observations[i], -1, 1);
                Assert.True(Math.Abs(actions[i] - optimum) <= tolerance,
                    $"{cem.Iterations} iterations, value {i}: expected {optimum} within {tolerance}, got {actions[i]}");
            }
        }
    }

    [Fact]
    public void CemIsReproducibleFromItsGeneratorAndChecksItsBuffers()
    {
        var cem = new QCem(2, 2, 2, 16, 3, 2, 0.5);
        float[] observations = [0.1f, 0.2f, -0.5f, 0.9f];
        var first = new float[4];
        var second = new float[4];
        cem.Maximize(new Quadratic(), observations, 2, new Rng(3), first);
        cem.Maximize(new Quadratic(), observations, 2, new Rng(3), second);
        Assert.Equal(first, second);
        Assert.Throws<ArgumentException>(() => cem.Maximize(new Quadratic(), new float[6], 3, new Rng(3), new float[6]));
        Assert.Throws<ArgumentException>(() => new QCem(2, 2, 2, 4, 5, 2, 0.5));
    }

    [Fact]
    public void TargetsAreTheRewardPlusTheDiscountedMinimumOfBothTargetCriticsAtTheFirstOnesArgmax()
    {
        const int obs = 3, act = 2, b = 3;
        var init = new Rng(5);
        var target = new TwinQCritic(obs, act, Small, init);
        var cem = new QCem(obs, act, b, 32, 4, 3, 1.0);
        float[] next = [0.5f, -1f, 2f, 0f, 0.3f, -0.7f, 1.5f, 1f, -2f];
        float[] rewards = [-1f, 0.5f, 2f];
        float[] bootstrap = [0.99f, 0f, 0.9801f];   // the middle transition terminated; the last is a 2-step return

        Tensor y = QtOpt.Targets(cem, target, Tensor.FromArray(next, b, obs), Tensor.FromArray(rewards, b, 1), Tensor.FromArray(bootstrap, b, 1), new Rng(7));

        // By hand: the same generator gives the same search over the first target critic; then row by row.
        var best = new float[b * act];
        cem.Maximize(target.Q1, next, b, new Rng(7), best);
        float[] targets = y.ToFloatArray();
        for (int i = 0; i < b; i++)
        {
            Tensor s = Tensor.FromArray(next.AsSpan(i * obs, obs).ToArray(), 1, obs);
            Tensor a = Tensor.FromArray(best.AsSpan(i * act, act).ToArray(), 1, act);
            double q1 = target.Q1.Forward(s, a).Item(), q2 = target.Q2.Forward(s, a).Item();
            double expected = rewards[i] + bootstrap[i] * Math.Min(q1, q2);
            Assert.Equal(expected, targets[i], 5);
        }
        Assert.Equal(0.5f, targets[1]);
        Assert.False(y.RequiresGrad);
        // The argmax is the first critic's: a search over the second one lands elsewhere.
        var other = new float[b * act];
        cem.Maximize(target.Q2, next, b, new Rng(7), other);
        Assert.NotEqual(best, other);
    }

    [Fact]
    public void DiscreteActionsAreRefusedNamingWhatIsNeeded()
    {
        using var env = Envs.MakeVector("cartpole", 1, 0);
        var e = Assert.Throws<ActionSpaceException>(() => new QtOpt(env, new QtOptConfig { BufferSize = 10, Network = Small }, 0));
        Assert.Contains("qtopt: expected a Box action space with finite bounds", e.Message);
        Assert.Contains("Discrete", e.Message);
    }

    [Fact]
    public void ThePolicyIsAFixedSeedSearchInTheBoxAndThereIsNoInferencePolicy()
    {
        using var env = Envs.MakeVector("pendulum", 1, 0);
        var learner = new QtOpt(env, new QtOptConfig { BufferSize = 10, Network = Small, Epsilon = 0.5, NoiseSigma = 0.3 }, 0);
        IPolicy policy = learner.Policy(deterministic: true, seed: 4);
        var rng = new Rng(9);
        var a1 = new double[1];
        var a2 = new double[1];
        var q = new float[2];
        for (int k = 0; k < 20; k++)
        {
            double th = rng.Uniform(-Math.PI, Math.PI);
            double[] o = [Math.Cos(th), Math.Sin(th), rng.Uniform(-8, 8)];
            policy.Act(o, a1);
            policy.Act(o, a2);
            Assert.Equal(a1[0], a2[0]);
            Assert.InRange(a1[0], -2, 2);
            // The deterministic action is the search over the online first critic, scaled onto [-2, 2].
            new QCem(3, 1, 1, learner.Config.CemSamples, learner.Config.CemElites, learner.Config.CemIterations, learner.Config.CemInitialStd)
                .Maximize(learner.Critic.Q1, o.Select(v => (float)v).ToArray(), 1, new Rng(4), q.AsSpan(0, 1));
            Assert.Equal(2 * q[0], a1[0], 5);
        }
        IPolicy noisy = learner.Policy(deterministic: false, seed: 3);
        for (int k = 0; k < 50; k++)
        {
            noisy.Act([1, 0, 0], a2);
            Assert.InRange(a2[0], -2, 2);
        }
        var e = Assert.Throws<NoInferencePolicyException>(() => learner.InferencePolicy());
        Assert.Contains("distil", e.Message);
        // The checkpoint keeps the critics and records why the policy sections are absent.
        var checkpoint = new Checkpoint();
        learner.Save(checkpoint);
        Assert.True(checkpoint.Has(QtOpt.CriticSection));
        Assert.False(checkpoint.Has(InferencePolicy.NetworkSection));
        var loaded = Assert.Throws<NoInferencePolicyException>(() => InferencePolicy.Load(checkpoint));
        Assert.Equal("qtopt", loaded.Algorithm);
        Assert.Equal(QtOpt.NoInferencePolicyReason, loaded.Reason);
    }

    // Two copies, a buffer that wraps, several gradient steps per round, epsilon and noise: everything a checkpoint must carry.
    private static QtOpt Make(IVectorEnv env, long seed) => new(env, new QtOptConfig
    {
        Envs = 2, BufferSize = 150, LearningStarts = 40, BatchSize = 16, TrainFrequency = 2, GradientSteps = 3, IterationSteps = 8,
        CemSamples = 8, CemElites = 2, Epsilon = 0.3, NoiseSigma = 0.1, Network = Small,
    }, seed);

    private static (List<double[]> Metrics, float[] Weights) Run(long seed, int iterations, int stopAt = -1)
    {
        var metrics = new List<double[]>();
        var env = Envs.MakeVector("pendulum", 2, seed);
        QtOpt learner = Make(env, seed);
        string path = Path.Combine(Path.GetTempPath(), $"ctl-qtopt-{Guid.NewGuid():N}.ctl");
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
                    learner = Make(env, seed + 1000);
                    learner.Load(Checkpoint.Load(path));
                }
                metrics.Add(learner.Iterate().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToArray());
            }
            return (metrics, learner.Critic.Parameters().Concat(learner.TargetCritic.Parameters()).SelectMany(p => p.ToFloatArray()).ToArray());
        }
        finally
        {
            env.Dispose();
            File.Delete(path);
        }
    }

    [Fact]
    public void ResumeFromACheckpointReproducesTheUninterruptedRunBitwise()
    {
        (List<double[]> straight, float[] straightWeights) = Run(5, 24);
        (List<double[]> resumed, float[] resumedWeights) = Run(5, 24, stopAt: 13);
        Assert.Equal(straight, resumed);
        Assert.Equal(straightWeights, resumedWeights);
        Assert.Contains(straight[12], v => v > 0 && double.IsFinite(v));
    }

    [Fact]
    public void ANaNCriticStopsTrainingNamingTheIterationAndTheTerm()
    {
        using var env = Envs.MakeVector("pendulum", 2, 1);
        QtOpt learner = Make(env, 1);
        for (int k = 0; k < 6; k++) learner.Iterate();
        long steps = learner.GradientStepCount;
        learner.Critic.Q2.Parameters()[0].Fill(double.NaN);
        var e = Assert.Throws<NonFiniteLossException>(() => learner.Iterate());
        Assert.Equal("critic loss", e.Term);
        Assert.Equal(6, e.Iteration);
        Assert.Contains("qtopt: the critic loss is NaN at iteration 6", e.Message);
        Assert.Equal(steps, learner.GradientStepCount);
    }

    [Fact]
    public void LearnsThePendulumWithinASmallBudget()
    {
        using var env = Envs.MakeVector("pendulum", 1, 1);
        var learner = new QtOpt(env, new QtOptConfig
        {
            Gamma = 0.98, LearningStarts = 1000, BatchSize = 64, CemSamples = 16, CemElites = 3,
            Network = new() { Hidden = [64, 64], Activation = Activation.Relu, Orthogonal = false },
        }, 1);
        Trainer.Train(learner, new TrainerOptions { TotalSteps = 6000 });
        double mean = Evaluation.Run(learner.Policy(deterministic: true), s => Envs.Make("pendulum", s), 10, 1_000_000).Mean;
        // A random policy scores about -1200; this run scores about -120 (a quarter of the paper's CEM samples, batch 64).
        Assert.True(mean > -400, $"expected better than -400 after 6000 steps, got {mean}");
    }
}
