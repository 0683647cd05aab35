using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OnPolicy;
using Control.Policies.Registry;
using Control.Robots;
using Control.Tensors;

namespace Control.Policies.Tests.OnPolicy;

public class PpoTests
{
    // The registry's CartPole preset (the RL Zoo's settings), annealed over 100k steps.
    private static PpoConfig CartPole(PpoObjective objective = PpoObjective.Clip) => PpoPresets.For("cartpole", 100_000, objective);

    private static VectorEnv Vector(PpoConfig config, long seed, string env = "cartpole") => Envs.MakeVector(env, config.Envs, seed);

    [Fact]
    public void ClipGradientIsZeroExactlyWhereTheNotesSayAndRAElsewhere()
    {
        // Rows: (r, A) inside the range, above 1 + eps with A > 0 and A < 0, below 1 - eps with A < 0 and A > 0.
        double[] r = [1.05, 1.5, 1.5, 0.5, 0.5, 0.9];
        double[] a = [2.0, 1.0, -1.0, -3.0, 3.0, -0.5];
        bool[] zero = [false, true, false, true, false, false];
        Tensor logRatio = Tensor.FromArray(r.Select(v => Math.Log(v)).ToArray(), r.Length);
        logRatio.RequiresGrad = true;
        Tensor loss = Ppo.ClippedSurrogate(logRatio.Exp(), Tensor.FromArray(a, a.Length), 0.2);
        loss.Backward();
        double[] grad = logRatio.Grad!.ToDoubleArray();
        for (int i = 0; i < r.Length; i++)
        {
            // d/dlog r of (1/B) r A is r A / B where the unclipped term is the minimum.
            double expected = zero[i] ? 0 : r[i] * a[i] / r.Length;
            Assert.Equal(expected, grad[i], 12);
        }
        // The value is the mean of the pessimistic terms.
        double value = Enumerable.Range(0, r.Length).Average(i => Math.Min(r[i] * a[i], Math.Clamp(r[i], 0.8, 1.2) * a[i]));
        Assert.Equal(value, loss.Item(), 12);
    }

    [Fact]
    public void ClipGradientMatchesFiniteDifferencesAwayFromTheKinks()
    {
        var rng = new Rng(3);
        int n = 16;
        double[] logR = Enumerable.Range(0, n).Select(_ => rng.Uniform(-0.6, 0.6)).ToArray();
        double[] a = Enumerable.Range(0, n).Select(_ => rng.Normal()).ToArray();
        double F(double[] x) => Ppo.ClippedSurrogate(Tensor.FromArray(x, n).Exp(), Tensor.FromArray(a, n), 0.2).Item();
        Tensor t = Tensor.FromArray(logR, n);
        t.RequiresGrad = true;
        Ppo.ClippedSurrogate(t.Exp(), Tensor.FromArray(a, n), 0.2).Backward();
        double[] grad = t.Grad!.ToDoubleArray();
        for (int i = 0; i < n; i++)
        {
            if (Math.Abs(Math.Exp(logR[i]) - 0.8) < 1e-3 || Math.Abs(Math.Exp(logR[i]) - 1.2) < 1e-3) continue;
            double[] plus = (double[])logR.Clone(), minus = (double[])logR.Clone();
            plus[i] += 1e-6;
            minus[i] -= 1e-6;
            Assert.Equal((F(plus) - F(minus)) / 2e-6, grad[i], 6);
        }
    }

    [Theory]
    [InlineData(0.02, 2.0)]
    [InlineData(0.0151, 2.0)]
    [InlineData(0.0149, 1.0)]
    [InlineData(0.0067, 1.0)]
    [InlineData(0.0066, 0.5)]
    [InlineData(0.0, 0.5)]
    public void AdaptiveBetaDoublesAboveOnePointFiveTargetAndHalvesBelowTargetOverOnePointFive(double kl, double expected)
        => Assert.Equal(expected, Ppo.AdaptKlBeta(1.0, kl, 0.01));

    [Fact]
    public void KlVariantAppliesTheBetaRuleToTheMeasuredKlEveryIteration()
    {
        PpoConfig config = CartPole(PpoObjective.AdaptiveKl);
        using VectorEnv env = Vector(config, 4);
        var ppo = new Ppo(env, config, 4);
        double beta = ppo.KlBeta;
        for (int i = 0; i < 6; i++)
        {
            IReadOnlyDictionary<string, double> m = ppo.Iterate();
            double kl = m["train/kl"];
            Assert.True(kl >= 0 && double.IsFinite(kl), $"iteration {i}: KL {kl}");
            beta = Ppo.AdaptKlBeta(beta, kl, 0.01);
            Assert.Equal(beta, m["train/kl_beta"]);
        }
    }

    [Fact]
    public void ClippedPpoSolvesCartPoleWithin100kSteps()
    {
        using VectorEnv env = Vector(CartPole(), 1);
        var ppo = new Ppo(env, CartPole(), 1);
        while (ppo.EnvSteps < 100_000) ppo.Iterate();
        EvaluationResult eval = Evaluation.Run(ppo.Policy(deterministic: true), s => Envs.Make("cartpole", s), 20, 1_000_000);
        Assert.True(eval.Mean >= 475, $"mean evaluation return {eval.Mean} over 20 episodes");
    }

    [Fact]
    public void AdaptiveKlPpoSolvesCartPoleWithin100kSteps()
    {
        using VectorEnv env = Vector(CartPole(), 2);
        var ppo = new Ppo(env, CartPole(PpoObjective.AdaptiveKl), 2);
        while (ppo.EnvSteps < 100_000) ppo.Iterate();
        EvaluationResult eval = Evaluation.Run(ppo.Policy(deterministic: true), s => Envs.Make("cartpole", s), 20, 1_000_000);
        Assert.True(eval.Mean >= 475, $"mean evaluation return {eval.Mean} over 20 episodes");
    }

    [Fact]
    public void GaussianPpoImprovesThePendulum()
    {
        var config = new PpoConfig
        {
            Envs = 4, StepsPerEnv = 1024, Minibatches = 64, Epochs = 10, Gamma = 0.9, GaeLambda = 0.95, LearningRate = 1e-3, RewardScale = 0.1,
            AnnealSteps = 60_000,
        };
        using VectorEnv env = Vector(config, 1, "pendulum");
        var ppo = new Ppo(env, config, 1);
        IPolicy initial = ppo.Policy(deterministic: true);
        double before = Evaluation.Run(initial, s => Envs.Make("pendulum", s), 10, 1_000_000).Mean;
        while (ppo.EnvSteps < 60_000) ppo.Iterate();
        double after = Evaluation.Run(ppo.Policy(deterministic: true), s => Envs.Make("pendulum", s), 10, 1_000_000).Mean;
        Assert.True(after > -600 && after > before + 400, $"pendulum return {before} before training, {after} after 60k steps");
    }

    [Theory]
    [InlineData(PpoObjective.Clip, false)]
    [InlineData(PpoObjective.AdaptiveKl, true)]
    public void ResumeFromACheckpointReproducesTheUninterruptedRunExactly(PpoObjective objective, bool normalize)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ctl-ppo-{Guid.NewGuid():N}.ctl");
        try
        {
            PpoConfig config = CartPole(objective) with { NormalizeObservations = normalize, ValueClipRange = 0.5, TargetKl = 0.05 };
            using VectorEnv straightEnv = Vector(config, 7), resumedEnv = Vector(config, 7);
            var straight = new Ppo(straightEnv, config, 7);
            for (int i = 0; i < 3; i++) straight.Iterate();
            var checkpoint = new Checkpoint();
            straight.Save(checkpoint);
            checkpoint.Save(path);
            var expected = new List<IReadOnlyDictionary<string, double>>();
            for (int i = 0; i < 3; i++) expected.Add(straight.Iterate());

            var resumed = new Ppo(resumedEnv, config, 7);
            resumed.Load(Checkpoint.Load(path));
            Assert.Equal(3, resumed.Iterations);
            for (int i = 0; i < 3; i++)
            {
                IReadOnlyDictionary<string, double> m = resumed.Iterate();
                foreach ((string key, double value) in expected[i].Where(kv => !kv.Key.StartsWith("time/", StringComparison.Ordinal)))
                    Assert.True(value.Equals(m[key]), $"iteration {i}, {key}: {value} uninterrupted, {m[key]} resumed");
            }
            Assert.Equal(straight.PolicyNetwork.FlattenParameters().ToFloatArray(), resumed.PolicyNetwork.FlattenParameters().ToFloatArray());
            Assert.Equal(straight.EnvSteps, resumed.EnvSteps);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SameSeedSameRun()
    {
        double[] Run()
        {
            using VectorEnv env = Vector(CartPole(), 11);
            var ppo = new Ppo(env, CartPole(), 11);
            return Enumerable.Range(0, 3).Select(_ => ppo.Iterate()["train/policy_loss"]).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Theory]
    [InlineData("StepsPerEnv")]
    [InlineData("LearningRate")]
    [InlineData("ClipRange")]
    [InlineData("Epochs")]
    [InlineData("Gamma")]
    [InlineData("Minibatches")]
    [InlineData("Envs")]
    [InlineData("LogStd")]
    public void BadSettingsAreRejectedAtConstructionNamingTheOption(string option)
    {
        PpoConfig config = option switch
        {
            "StepsPerEnv" => CartPole() with { StepsPerEnv = 0 },
            "LearningRate" => CartPole() with { LearningRate = -1e-3 },
            "ClipRange" => CartPole() with { ClipRange = double.NaN },
            "Epochs" => CartPole() with { Epochs = -1 },
            "Gamma" => CartPole() with { Gamma = 1.5 },
            "Minibatches" => CartPole() with { Minibatches = 3 },
            "LogStd" => CartPole() with { LogStd = LogStdMode.StateDependent },
            _ => CartPole(),
        };
        using VectorEnv env = Envs.MakeVector("cartpole", option == "Envs" ? 4 : config.Envs, 0);
        var e = Assert.ThrowsAny<ArgumentException>(() => new Ppo(env, config, 0));
        Assert.Contains($"PpoConfig.{option}", e.Message);
    }
}
