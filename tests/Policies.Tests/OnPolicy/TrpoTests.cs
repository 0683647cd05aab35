using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OnPolicy;
using Control.Robots;
using Control.Tensors;

namespace Control.Policies.Tests.OnPolicy;

public class TrpoTests
{
    private static readonly NetworkConfig Tiny = new() { Hidden = [5], Orthogonal = false };

    private static Tensor RandomRows(Rng rng, int rows, int columns)
    {
        var data = new float[rows * columns];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.Normal();
        return Tensor.FromArray(data, rows, columns);
    }

    private static double[] RandomVector(Rng rng, int n)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.Normal();
        return v;
    }

    private static double[] Multiply(double[,] matrix, double[] v)
    {
        int n = v.Length;
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) result[i] += matrix[i, j] * v[j];
        }
        return result;
    }

    private static void AddOuter(double[,] matrix, double weight, double[] g)
    {
        for (int i = 0; i < g.Length; i++)
        {
            for (int j = 0; j < g.Length; j++) matrix[i, j] += weight * g[i] * g[j];
        }
    }

    private static double[] Gradient(Tensor output, StochasticPolicy policy, int element)
    {
        var seed = new float[output.Size];
        seed[element] = 1;
        return NaturalGradient.Flatten(Autograd.Grad(output, policy.Parameters(), Tensor.FromArray(seed, output.ShapeArray())), policy.ParameterCount);
    }

    // A PolicyUpdateBatch over random observations; actions and advantages do not enter the KL.
    private static PolicyUpdateBatch Batch(StochasticPolicy policy, Tensor observations)
    {
        int rows = observations.Dim(0);
        using var noGrad = Autograd.NoGrad();
        var actions = new double[rows * policy.ActionSize];
        policy.Distribution(observations).Sample(new Rng(5), actions);
        return new PolicyUpdateBatch(policy, observations, Tensor.FromArray(actions.Select(a => (float)a).ToArray(), rows, policy.ActionSize),
            Tensor.Zeros(rows), Tensor.Zeros(rows));
    }

    private static void AssertClose(double[] expected, double[] actual, double relative)
    {
        double scale = Math.Sqrt(NaturalGradient.Dot(expected, expected));
        double[] error = NaturalGradient.AddScaled(actual, -1, expected);
        Assert.True(Math.Sqrt(NaturalGradient.Dot(error, error)) <= relative * scale,
            $"expected {string.Join(", ", expected.Take(6).Select(e => e.ToString("G5")))}..., got {string.Join(", ", actual.Take(6).Select(e => e.ToString("G5")))}...");
    }

    [Fact]
    public void FisherVectorProductEqualsTheExplicitFisherMatrixOfACategoricalPolicy()
    {
        var rng = new Rng(11);
        var policy = StochasticPolicy.Create(3, new Discrete(4), Tiny, rng);
        Tensor observations = RandomRows(rng, 6, 3);
        int n = policy.ParameterCount;

        // F = E_s sum_a pi(a|s) grad log pi(a|s) grad log pi(a|s)^T, the expectation over actions taken exactly.
        var fisher = new double[n, n];
        for (int s = 0; s < 6; s++)
        {
            Tensor logProbs = ((CategoricalActions)policy.Distribution(observations.Narrow(0, s, 1))).Distribution.LogProbs;
            for (int a = 0; a < 4; a++) AddOuter(fisher, Math.Exp(logProbs[a]) / 6, Gradient(logProbs, policy, a));
        }

        PolicyUpdateBatch batch = Batch(policy, observations);
        for (int trial = 0; trial < 3; trial++)
        {
            double[] v = RandomVector(rng, n);
            AssertClose(Multiply(fisher, v), batch.FisherVectorProduct(v, damping: 0), 1e-4);
        }
        double[] w = RandomVector(rng, n);
        AssertClose(NaturalGradient.AddScaled(Multiply(fisher, w), 0.1, w), batch.FisherVectorProduct(w, damping: 0.1), 1e-4);
    }

    [Fact]
    public void FisherVectorProductEqualsTheExplicitFisherMatrixOfAGaussianPolicy()
    {
        var rng = new Rng(12);
        var policy = StochasticPolicy.Create(3, new Box([-1, -1], [1, 1]), Tiny, rng, LogStdMode.StateIndependent, initialLogStd: -0.4);
        Tensor observations = RandomRows(rng, 6, 3);
        int n = policy.ParameterCount;

        // For N(mu, diag(sigma^2)) with rho = log sigma: F = E_s sum_i (grad mu_i grad mu_i^T / sigma_i^2 + 2 grad rho_i grad rho_i^T).
        var fisher = new double[n, n];
        for (int s = 0; s < 6; s++)
        {
            var pi = ((GaussianActions)policy.Distribution(observations.Narrow(0, s, 1))).Distribution;
            Tensor logStd = pi.LogStd * 1.0;
            for (int i = 0; i < 2; i++)
            {
                double sigma = Math.Exp(logStd[i]);
                AddOuter(fisher, 1.0 / (sigma * sigma) / 6, Gradient(pi.Mean, policy, i));
                AddOuter(fisher, 2.0 / 6, Gradient(logStd, policy, i));
            }
        }

        PolicyUpdateBatch batch = Batch(policy, observations);
        for (int trial = 0; trial < 3; trial++)
        {
            double[] v = RandomVector(rng, n);
            AssertClose(Multiply(fisher, v), batch.FisherVectorProduct(v, damping: 0), 1e-4);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void VTransposeFvEqualsTheSecondFiniteDifferenceOfTheKlAlongV(bool gaussian)
    {
        var rng = new Rng(15);
        Space actions = gaussian ? new Box([-1, -1], [1, 1]) : new Discrete(3);
        var policy = StochasticPolicy.Create(3, actions, Tiny, rng);
        PolicyUpdateBatch batch = Batch(policy, RandomRows(rng, 8, 3));
        double[] theta = NaturalGradient.GetParameters(policy);
        double[] v = RandomVector(rng, theta.Length);
        double vFv = NaturalGradient.Dot(v, batch.FisherVectorProduct(v, damping: 0));

        // KL(pi_old || pi_{theta + t v}) = t^2 / 2 v^T F v + O(t^3): its central second difference at t = 0 (where KL = 0).
        double KlAt(double t)
        {
            NaturalGradient.SetParameters(policy, NaturalGradient.AddScaled(theta, t, v));
            return batch.Evaluate().Kl;
        }
        const double h = 3e-3;
        double secondDifference = (KlAt(h) + KlAt(-h)) / (h * h);
        NaturalGradient.SetParameters(policy, theta);
        Assert.True(Math.Abs(secondDifference - vFv) <= 2e-2 * vFv, $"expected v^T F v = {vFv}, got the finite difference {secondDifference}");
    }

    [Fact]
    public void TheKlIsZeroWithZeroGradientAtThetaOld()
    {
        var rng = new Rng(13);
        var policy = StochasticPolicy.Create(3, new Box([-1], [1]), Tiny, rng);
        PolicyUpdateBatch batch = Batch(policy, RandomRows(rng, 8, 3));
        Assert.Equal(0, batch.Evaluate().Kl, 6);
        double[] g = NaturalGradient.FlatGradient(batch.MeanKl(), policy);
        Assert.True(g.All(x => Math.Abs(x) < 1e-5), $"expected a zero KL gradient at theta_old, got max |g| = {g.Max(Math.Abs)}");
    }

    [Fact]
    public void ConjugateGradientSolvesASymmetricPositiveDefiniteSystemToTolerance()
    {
        var rng = new Rng(14);
        const int n = 20;
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) m[i, j] = rng.Normal();
        }
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++) a[i, j] += m[i, k] * m[j, k];
            }
            a[i, i] += 1;
        }
        double[] b = RandomVector(rng, n);
        ConjugateGradientResult solved = NaturalGradient.ConjugateGradient(v => Multiply(a, v), b, maxIterations: 100, residualTolerance: 1e-9);
        double[] residual = NaturalGradient.AddScaled(b, -1, Multiply(a, solved.Solution));
        Assert.True(Math.Sqrt(NaturalGradient.Dot(residual, residual)) <= 1e-9, $"expected |b - A x| <= 1e-9, got {Math.Sqrt(NaturalGradient.Dot(residual, residual))}");
        Assert.True(solved.ResidualNorm <= 1e-9);
        Assert.InRange(solved.Iterations, 1, 100);

        ConjugateGradientResult capped = NaturalGradient.ConjugateGradient(v => Multiply(a, v), b, maxIterations: 3, residualTolerance: 0);
        Assert.Equal(3, capped.Iterations);
        Assert.True(capped.ResidualNorm > 1e-6);
        Assert.Throws<ArgumentOutOfRangeException>(() => NaturalGradient.ConjugateGradient(v => v, b, 0, 1e-9));
    }

    [Fact]
    public void LineSearchAcceptsTheFirstStepThatImprovesWithinTheKlLimit()
    {
        // Surrogate 1 - (t - 0.6)^2 along the step, KL = 0.02 t^2: t = 1 and 0.8 break the KL limit 0.01, t = 0.64 passes.
        (double, double) Evaluate(double[] theta) => (1 - (theta[0] - 0.6) * (theta[0] - 0.6), 0.02 * theta[0] * theta[0]);
        LineSearchResult result = Trpo.LineSearch(Evaluate, [0.0], [1.0], surrogateAtStart: 1 - 0.36, maxKl: 0.01, steps: 10, shrink: 0.8);
        Assert.True(result.Accepted);
        Assert.Equal(2, result.Backtracks);
        Assert.Equal(0.64, result.Parameters[0], 12);
        Assert.True(result.Kl <= 0.01 && result.Surrogate > 1 - 0.36);
    }

    [Fact]
    public void LineSearchTakesNoStepWhenNoCandidateSatisfiesBothConditions()
    {
        double[] start = [0.5, -0.5];
        // Every candidate improves the surrogate but exceeds the KL limit.
        LineSearchResult tooFar = Trpo.LineSearch(_ => (2.0, 1.0), start, [1.0, 1.0], surrogateAtStart: 1.0, maxKl: 0.01, steps: 10, shrink: 0.5);
        // Every candidate is within the KL limit but makes the surrogate worse.
        LineSearchResult worse = Trpo.LineSearch(_ => (0.5, 0.0), start, [1.0, 1.0], surrogateAtStart: 1.0, maxKl: 0.01, steps: 10, shrink: 0.5);
        foreach (LineSearchResult r in new[] { tooFar, worse })
        {
            Assert.False(r.Accepted);
            Assert.Equal(start, r.Parameters);
            Assert.Equal(10, r.Backtracks);
        }
    }

    [Fact]
    public void ATrpoStepThatWasAcceptedHasKlWithinTheLimitAndImprovesTheSurrogate()
    {
        using var env = Envs.MakeVector("pendulum", 2, seed: 3);
        var config = new TrpoConfig { StepsPerEnv = 256, CriticEpochs = 2, MaxKl = 0.005 };
        var trpo = new Trpo(env, config, seed: 3);
        int accepted = 0;
        for (int k = 0; k < 4; k++)
        {
            double[] before = NaturalGradient.GetParameters(trpo.PolicyNetwork);
            IReadOnlyDictionary<string, double> m = trpo.Iterate();
            double[] after = NaturalGradient.GetParameters(trpo.PolicyNetwork);
            if (m["train/step_accepted"] == 1)
            {
                accepted++;
                Assert.InRange(m["train/kl"], 0, config.MaxKl);
                Assert.True(m["train/surrogate_improvement"] > 0, $"expected a surrogate improvement, got {m["train/surrogate_improvement"]}");
                Assert.NotEqual(before, after);
            }
            else
            {
                Assert.Equal(before, after);
            }
        }
        Assert.True(accepted > 0, "expected at least one accepted step in four iterations");
    }

    private static string TempPath() => Path.Combine(Path.GetTempPath(), $"ctl-trpo-{Guid.NewGuid():N}.ctl");

    // Runs `first` iterations, checkpoints to a file, runs `rest` more; then a fresh algorithm (other seed) loads the file and runs `rest`.
    private static void AssertResumeIsExact(Func<VectorEnv, long, IAlgorithm> make, string envName, int envs, int first, int rest)
    {
        string path = TempPath();
        try
        {
            using var straightEnv = Envs.MakeVector(envName, envs, seed: 21);
            IAlgorithm straight = make(straightEnv, 21);
            for (int k = 0; k < first; k++) straight.Iterate();
            var checkpoint = new Checkpoint();
            straight.Save(checkpoint);
            checkpoint.Save(path);
            long stepsAtCheckpoint = straight.EnvSteps;
            var expected = Enumerable.Range(0, rest).Select(_ => straight.Iterate()).ToArray();

            using var resumedEnv = Envs.MakeVector(envName, envs, seed: 77);
            IAlgorithm resumed = make(resumedEnv, 77);
            resumed.Load(Checkpoint.Load(path));
            Assert.Equal(stepsAtCheckpoint, resumed.EnvSteps);
            var actual = Enumerable.Range(0, rest).Select(_ => resumed.Iterate()).ToArray();
            for (int k = 0; k < rest; k++) Assert.Equal(expected[k].OrderBy(p => p.Key), actual[k].OrderBy(p => p.Key));
            Assert.Equal(straight.EnvSteps, resumed.EnvSteps);
            Assert.Equal(straight.Iterations, resumed.Iterations);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TrpoResumedFromACheckpointReproducesTheUninterruptedRun()
    {
        var config = new TrpoConfig { StepsPerEnv = 128, CriticEpochs = 2, NormalizeObservations = true };
        AssertResumeIsExact((env, seed) => new Trpo(env, config, seed), "pendulum", 2, first: 2, rest: 2);
        AssertResumeIsExact((env, seed) => new Trpo(env, config, seed), "cartpole", 2, first: 2, rest: 2);
    }

    [Fact]
    public void NpgResumedFromACheckpointReproducesTheUninterruptedRun()
    {
        var config = new NpgConfig { StepsPerEnv = 128, CriticEpochs = 2, NormalizeObservations = true };
        AssertResumeIsExact((env, seed) => new Npg(env, config, seed), "cartpole", 2, first: 2, rest: 2);
    }

    [Fact]
    public void NpgStepsToTheKlRadiusOrByTheFixedStepSize()
    {
        using var env = Envs.MakeVector("cartpole", 2, seed: 6);
        var normalized = new Npg(env, new NpgConfig { StepsPerEnv = 256, CriticEpochs = 1, MaxKl = 0.01 }, seed: 6);
        IReadOnlyDictionary<string, double> m = normalized.Iterate();
        // The quadratic model of the KL equals MaxKl (with damping it overestimates F, so the true KL is a little smaller).
        Assert.InRange(m["train/kl"], 0.003, 0.015);
        Assert.True(m["train/surrogate_improvement"] > 0);

        using var env2 = Envs.MakeVector("cartpole", 2, seed: 6);
        var fixedStep = new Npg(env2, new NpgConfig { StepsPerEnv = 256, CriticEpochs = 1, StepRule = NaturalStepRule.Fixed, StepSize = 0.02 }, seed: 6);
        double[] before = NaturalGradient.GetParameters(fixedStep.PolicyNetwork);
        Assert.Equal(0.02, fixedStep.Iterate()["train/step_size"]);
        Assert.NotEqual(before, NaturalGradient.GetParameters(fixedStep.PolicyNetwork));
    }

    [Fact]
    public void TheSameSeedGivesTheSameRun()
    {
        double[] Run()
        {
            using var env = Envs.MakeVector("cartpole", 2, seed: 5);
            var trpo = new Trpo(env, new TrpoConfig { StepsPerEnv = 128, CriticEpochs = 2 }, seed: 5);
            trpo.Iterate();
            trpo.Iterate();
            return NaturalGradient.GetParameters(trpo.PolicyNetwork);
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void TrpoLearnsCartPoleWithinFiftyThousandSteps()
    {
        using var env = Envs.MakeVector("cartpole", 2, seed: 1);
        var trpo = new Trpo(env, new TrpoConfig { StepsPerEnv = 512, GaeLambda = 0.98, CriticEpochs = 20 }, seed: 1);
        Trainer.Train(trpo, new TrainerOptions { TotalSteps = 50_000 });
        EvaluationResult result = Evaluation.Run(trpo.Policy(deterministic: true), s => Envs.Make("cartpole", s), 10, 1_000);
        Assert.True(result.Mean >= 475, $"expected a mean evaluation return >= 475 after 50k steps, got {result.Mean}");
    }

    [Fact]
    public void NpgLearnsCartPoleWithinFiftyThousandSteps()
    {
        using var env = Envs.MakeVector("cartpole", 2, seed: 1);
        var npg = new Npg(env, new NpgConfig { StepsPerEnv = 512, GaeLambda = 0.98, CriticEpochs = 20 }, seed: 1);
        Trainer.Train(npg, new TrainerOptions { TotalSteps = 50_000 });
        EvaluationResult result = Evaluation.Run(npg.Policy(deterministic: true), s => Envs.Make("cartpole", s), 10, 1_000);
        Assert.True(result.Mean >= 475, $"expected a mean evaluation return >= 475 after 50k steps, got {result.Mean}");
    }

    [Theory]
    [InlineData("MaxKl")]
    [InlineData("CgIterations")]
    [InlineData("CgDamping")]
    [InlineData("StepsPerEnv")]
    [InlineData("CriticLearningRate")]
    [InlineData("CriticEpochs")]
    [InlineData("LineSearchSteps")]
    [InlineData("LineSearchShrink")]
    [InlineData("GaeLambda")]
    public void BadTrpoOptionsAreRefusedAtConstructionNamingTheOption(string option)
    {
        TrpoConfig config = option switch
        {
            "MaxKl" => new TrpoConfig { MaxKl = 0 },
            "CgIterations" => new TrpoConfig { CgIterations = 0 },
            "CgDamping" => new TrpoConfig { CgDamping = -0.1 },
            "StepsPerEnv" => new TrpoConfig { StepsPerEnv = -5 },
            "CriticLearningRate" => new TrpoConfig { CriticLearningRate = 0 },
            "CriticEpochs" => new TrpoConfig { CriticEpochs = 0 },
            "LineSearchSteps" => new TrpoConfig { LineSearchSteps = 0 },
            "LineSearchShrink" => new TrpoConfig { LineSearchShrink = 1.0 },
            _ => new TrpoConfig { GaeLambda = 1.5 },
        };
        using var env = Envs.MakeVector("cartpole", 2, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => new Trpo(env, config, 1));
        Assert.Contains($"TrpoConfig.{option}", e.Message);
    }

    [Fact]
    public void BadNpgOptionsAndMismatchedEnvsAreRefused()
    {
        using var env = Envs.MakeVector("cartpole", 2, seed: 1);
        Assert.Contains("NpgConfig.StepSize", Assert.Throws<ArgumentException>(() => new Npg(env, new NpgConfig { StepSize = 0 }, 1)).Message);
        Assert.Contains("NpgConfig.MaxKl", Assert.Throws<ArgumentException>(() => new Npg(env, new NpgConfig { MaxKl = -1 }, 1)).Message);
        Assert.Contains("Envs = 4", Assert.Throws<ArgumentException>(() => new Trpo(env, new TrpoConfig { Envs = 4 }, 1)).Message);
    }

    private sealed record PairSpace : Space
    {
        public override int FlatSize => 2;
        public override bool Contains(ReadOnlySpan<double> value) => value.Length == 2;
        public override void Sample(Rng rng, Span<double> destination) => destination.Clear();
        public override string Describe() => "Pair";
    }

    private sealed class PairEnv : IEnv
    {
        public string Name => "pair";
        public Space ObservationSpace { get; } = new Box([-1], [1]);
        public Space ActionSpace { get; } = new PairSpace();
        public void Reset(Span<double> observation, long? seed = null) => observation.Clear();
        public StepResult Step(ReadOnlySpan<double> action, Span<double> observation) => default;
    }

    [Fact]
    public void AnActionSpaceThatIsNeitherDiscreteNorBoxIsRefused()
    {
        using var env = new VectorEnv(_ => new PairEnv(), 2);
        var e = Assert.Throws<ArgumentException>(() => new Trpo(env, new TrpoConfig(), 1));
        Assert.Contains("expected a Discrete or Box action space, got Pair", e.Message);
        Assert.Throws<ArgumentException>(() => new Npg(env, new NpgConfig(), 1));
    }
}
