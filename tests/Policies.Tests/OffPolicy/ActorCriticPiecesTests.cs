using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Robots;
using Control.Tensors;
using Control.Tensors.Distributions;
using Control.Tensors.NN;

namespace Control.Policies.Tests.OffPolicy;

public class ActorCriticPiecesTests
{
    private static readonly NetworkConfig Small = new() { Hidden = [8, 8], Activation = Activation.Relu, Orthogonal = false };

    // Simpson's rule on [a, b] with n (even) intervals.
    private static double Integrate(Func<double, double> f, double a, double b, int n = 2000)
    {
        double h = (b - a) / n, sum = f(a) + f(b);
        for (int i = 1; i < n; i++) sum += (i % 2 == 1 ? 4 : 2) * f(a + i * h);
        return sum * h / 3;
    }

    [Fact]
    public void TanhGaussianLogProbabilityIsTheChangeOfVariablesDensity()
    {
        // One action dimension: y = tanh(u), u ~ N(0.7, 0.8^2). P(a < y < b) from the density of y must equal
        // P(atanh a < u < atanh b) from the Gaussian, and the density must integrate to 1 over (-1, 1).
        const double m = 0.7, s = 0.8;
        var dist = new TanhGaussian(Tensor.FromArray([m], 1, 1), Tensor.FromArray([Math.Log(s)], 1, 1));
        double Density(double y) => Math.Exp(dist.LogProb(Tensor.FromArray([y], 1, 1)).Item());
        double Gaussian(double u) => Math.Exp(-0.5 * ((u - m) / s) * ((u - m) / s)) / (s * Math.Sqrt(2 * Math.PI));
        foreach ((double a, double b) in new[] { (-0.9, -0.2), (-0.2, 0.5), (0.5, 0.95), (0.95, 0.999) })
            Assert.Equal(Integrate(Gaussian, Math.Atanh(a), Math.Atanh(b)), Integrate(Density, a, b), 6);
        Assert.Equal(1.0, Integrate(Gaussian, -10, Math.Atanh(-0.999)) + Integrate(Density, -0.999, 0.999) + Integrate(Gaussian, Math.Atanh(0.999), 10), 5);
    }

    [Fact]
    public void ActorSamplesFollowTheirLogProbabilityAndTheLogProbabilityOfTheSampleEqualsItsDensity()
    {
        // Two action dimensions from the actor's outputs: the log-probability returned with each sample (computed from u)
        // equals LogProb of the squashed sample (through atanh), and a histogram of samples matches the density.
        var actor = new TanhGaussianActor(2, 2, new NetworkConfig { Hidden = [4], Activation = Activation.Tanh, Orthogonal = false }, new Rng(3), DType.Float64);
        const int n = 200_000;
        Tensor s = Tensor.FromArray(Enumerable.Repeat(new[] { 0.3, -0.4 }, n).SelectMany(r => r).ToArray(), n, 2);
        TanhGaussian dist = actor.Distribution(s);
        (Tensor action, Tensor logProb) = actor.Sample(s, new Rng(5));
        double[] viaAtanh = dist.LogProb(action).ToDoubleArray(), fromU = logProb.ToDoubleArray();
        for (int i = 0; i < 1000; i++) Assert.Equal(fromU[i], viaAtanh[i], 6);
        // Histogram of the first action dimension against its marginal density (the product's first factor).
        double m = dist.Base.Mean.ToDoubleArray()[0], sd = dist.Base.Std.ToDoubleArray()[0];
        double Marginal(double y) => Math.Exp(-0.5 * Math.Pow((Math.Atanh(y) - m) / sd, 2)) / (sd * Math.Sqrt(2 * Math.PI)) / (1 - y * y);
        double[] y0 = action.ToDoubleArray().Where((_, k) => k % 2 == 0).ToArray();
        for (double lo = -0.8; lo < 0.8; lo += 0.2)
        {
            double hi = lo + 0.2, expected = Integrate(Marginal, lo, hi), observed = y0.Count(v => v >= lo && v < hi) / (double)n;
            Assert.True(Math.Abs(observed - expected) < 4 * Math.Sqrt(expected / n) + 1e-4, $"bin [{lo:F1}, {hi:F1}): {observed} observed, {expected} expected");
        }
    }

    [Fact]
    public void PolyakUpdateIsExactlyTheConvexCombination()
    {
        var target = new TwinQCritic(3, 2, Small, new Rng(1));
        var source = new TwinQCritic(3, 2, Small, new Rng(2));
        float[] before = target.Parameters().SelectMany(p => p.ToFloatArray()).ToArray(), s = source.Parameters().SelectMany(p => p.ToFloatArray()).ToArray();
        Polyak.Update(target, source, 0.005);
        float[] after = target.Parameters().SelectMany(p => p.ToFloatArray()).ToArray();
        for (int i = 0; i < before.Length; i++) Assert.Equal((1f - 0.005f) * before[i] + 0.005f * s[i], after[i]);
        Polyak.Update(target, source, 0);
        Assert.Equal(after, target.Parameters().SelectMany(p => p.ToFloatArray()).ToArray());
        Polyak.Update(target, source, 1);
        Assert.Equal(s, target.Parameters().SelectMany(p => p.ToFloatArray()).ToArray());
        // k updates toward a fixed source close the gap by (1 - tau)^k (float64).
        var t64 = new QCritic(2, 1, Small, new Rng(3), DType.Float64);
        var s64 = new QCritic(2, 1, Small, new Rng(4), DType.Float64);
        double[] gap0 = t64.FlattenParameters().ToDoubleArray().Zip(s64.FlattenParameters().ToDoubleArray(), (x, y) => x - y).ToArray();
        for (int k = 0; k < 50; k++) Polyak.Update(t64, s64, 0.1);
        double[] gap = t64.FlattenParameters().ToDoubleArray().Zip(s64.FlattenParameters().ToDoubleArray(), (x, y) => x - y).ToArray();
        for (int i = 0; i < gap.Length; i++) Assert.Equal(gap0[i] * Math.Pow(0.9, 50), gap[i], 12);
        Assert.Throws<ArgumentException>(() => Polyak.Update(target, new QCritic(3, 2, Small, new Rng(1)), 0.5));
    }

    private static OrnsteinUhlenbeckBehaviour Ou(int copies, double sigma, double theta, double dt, long seed) =>
        new(new DeterministicActor(1, 1, Small, new Rng(0)), sigma, theta, dt, new ActionScaling(new Box([-2], [2])), copies, 0, new Rng(seed));

    [Fact]
    public void OrnsteinUhlenbeckNoiseRevertsToZeroAtRateThetaAndIsReproducible()
    {
        // 4000 copies started at x = 5: E[x_k] = 5 (1 - theta dt)^k with theta dt = 0.1.
        const int copies = 4000;
        OrnsteinUhlenbeckBehaviour ou = Ou(copies, 0.3, 1.0, 0.1, 7);
        using (var stream = new MemoryStream())
        {
            var w = new BinaryWriter(stream);
            w.Write(copies);
            for (int i = 0; i < copies; i++) w.Write(5.0);
            stream.Position = 0;
            ou.Read(new BinaryReader(stream));
        }
        for (int k = 1; k <= 20; k++)
        {
            double mean = ou.Advance().ToArray().Average(), expected = 5 * Math.Pow(0.9, k);
            // The spread of the mean over copies: sqrt(stationary variance / copies) < 0.3 sqrt(0.1 / 0.19) / 63 ~ 0.004.
            Assert.True(Math.Abs(mean - expected) < 0.02, $"step {k}: mean {mean}, expected {expected}");
        }
        // Stationary spread sigma^2 dt / (1 - (1 - theta dt)^2) after many steps.
        for (int k = 0; k < 200; k++) ou.Advance();
        double[] x = ou.State.ToArray();
        double variance = x.Select(v => v * v).Average(), expectedVariance = 0.09 * 0.1 / (1 - 0.81);
        Assert.True(Math.Abs(variance - expectedVariance) < 0.1 * expectedVariance, $"variance {variance}, expected {expectedVariance}");
        // Seeded: the same sequence again; another seed differs.
        double[] First(long seed)
        {
            OrnsteinUhlenbeckBehaviour o = Ou(2, 0.2, 0.15, 0.01, seed);
            return Enumerable.Range(0, 50).SelectMany(_ => o.Advance().ToArray()).ToArray();
        }
        Assert.Equal(First(3), First(3));
        Assert.NotEqual(First(3), First(4));
    }

    [Fact]
    public void OrnsteinUhlenbeckStateRestartsOnlyForTheCopyWhoseEpisodeEnded()
    {
        OrnsteinUhlenbeckBehaviour ou = Ou(3, 0.5, 0.15, 0.01, 1);
        for (int k = 0; k < 10; k++) ou.Advance();
        double[] before = ou.State.ToArray();
        ou.EpisodeEnded(1);
        Assert.Equal([before[0], 0, before[2]], ou.State.ToArray());
        Assert.All(before, v => Assert.NotEqual(0, v));
        // Through the collector: on the pendulum (200-step episodes) the state is zero right after each episode end.
        using var env = Envs.MakeVector("pendulum", 1, 0);
        var td3 = new Td3(env, new Td3Config { Noise = ExplorationNoise.OrnsteinUhlenbeck, NoiseSigma = 0.3, LearningStarts = 0, BufferSize = 500, IterationSteps = 199, Network = Small }, 0);
        var behaviour = (OrnsteinUhlenbeckBehaviour)td3.Behaviour;
        td3.Collector.Collect(199);
        Assert.NotEqual(0, behaviour.State[0]);
        td3.Collector.Collect(1);
        Assert.Equal(1, td3.Collector.Episodes);
        Assert.Equal(0, behaviour.State[0]);
    }

    [Fact]
    public void BehaviourIsUniformOverTheBoxBeforeLearningStartsAndTheActorAfter()
    {
        var box = new Box([-2, 0], [2, 1]);
        var actor = new DeterministicActor(3, 2, Small, new Rng(1));
        var behaviour = new GaussianNoiseBehaviour(actor, 0, new ActionScaling(box), 1, 1000, new Rng(2));
        float[] input = [0.1f, -0.5f, 0.3f];
        var actions = new double[2];
        var seen = new List<double[]>();
        for (int k = 0; k < 1000; k++)
        {
            behaviour.Act(input, k, actions);
            seen.Add((double[])actions.Clone());
        }
        Assert.All(seen, a => Assert.True(box.Contains(a)));
        Assert.InRange(seen.Average(a => a[0]), -0.2, 0.2);
        Assert.InRange(seen.Average(a => a[1]), 0.45, 0.55);
        Assert.InRange(seen.Min(a => a[0]), -2, -1.95);
        // After learning starts, sigma 0: exactly the exported policy's action.
        behaviour.Act(input, 1000, actions);
        var expected = new double[2];
        actor.ToInference(Box.Uniform(3, -1, 1), new ActionScaling(box)).Act([0.1f, -0.5f, 0.3f], expected);
        Assert.Equal(expected[0], actions[0], 5);
        Assert.Equal(expected[1], actions[1], 5);
    }

    [Theory]
    [InlineData("sac")]
    [InlineData("td3")]
    [InlineData("ddpg")]
    public void DiscreteActionsAreRefusedNamingWhatIsNeeded(string algorithm)
    {
        using var env = Envs.MakeVector("cartpole", 1, 0);
        var e = Assert.Throws<ActionSpaceException>(() => Make(algorithm, env));
        Assert.Contains($"{algorithm}: expected a Box action space with finite bounds", e.Message);
        Assert.Contains("Discrete", e.Message);
        Assert.Contains("cartpole", e.Message);
        Assert.Throws<ArgumentException>(() => new ActionScaling(new Box([double.NegativeInfinity], [1])));
    }

    private static IAlgorithm Make(string algorithm, IVectorEnv env) => algorithm switch
    {
        "sac" => new Sac(env, new SacConfig { BufferSize = 10, Network = Small }, 0),
        "td3" => new Td3(env, new Td3Config { BufferSize = 10, Network = Small }, 0),
        _ => new Ddpg(env, new DdpgConfig { BufferSize = 10, Network = Small }, 0),
    };

    [Theory]
    [InlineData("sac")]
    [InlineData("td3")]
    [InlineData("ddpg")]
    public void TheExportActsAsTheDeterministicPolicyAndAsTheTrainingActor(string algorithm)
    {
        using var env = Envs.MakeVector("pendulum", 1, 0);
        IAlgorithm learner = Make(algorithm, env);
        InferencePolicy export = learner.InferencePolicy();
        IPolicy policy = learner.Policy(deterministic: true);
        Assert.Equal(ActionHeadKind.TanhSquash, export.Head.Kind);
        Assert.Equal(algorithm == "sac" ? LogStdSource.Outputs : LogStdSource.None, export.Head.LogStdSource);
        Assert.Equal(algorithm == "sac" ? 2 : 1, export.Network.Outputs);
        Module actor = learner switch { Sac s => s.Actor, Td3 t => t.Actor, _ => ((Ddpg)learner).Actor };
        var rng = new Rng(9);
        var a1 = new double[1];
        var a2 = new double[1];
        for (int k = 0; k < 20; k++)
        {
            double th = rng.Uniform(-Math.PI, Math.PI);
            double[] obs = [Math.Cos(th), Math.Sin(th), rng.Uniform(-8, 8)];
            export.Act(obs, a1);
            policy.Act(obs, a2);
            Assert.Equal(a1[0], a2[0]);
            double training = 2 * actor.Forward(Tensor.FromArray(obs.Select(v => (float)v).ToArray(), 1, 3)).ToDoubleArray()[0];
            Assert.Equal(training, a1[0], 5);
            Assert.InRange(a1[0], -2, 2);
        }
        // The stochastic policy stays in the Box.
        IPolicy noisy = learner.Policy(deterministic: false, seed: 3);
        for (int k = 0; k < 50; k++)
        {
            noisy.Act([1, 0, 0], a2);
            Assert.InRange(a2[0], -2, 2);
        }
    }
}
