using Control.Core.Envs;
using Control.Core.Episodes;
using Control.ModelBased.Registry;
using Control.ModelBased.Svg;
using Control.Policies.Common;
using Control.Robots;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.ModelBased.Tests.Svg;

public class SvgLearnerTests
{
    private static readonly Dynamics.Learned.MlpDynamicsConfig SmallModel = new() { Hidden = [16], Epochs = 3, Patience = 2 };

    // Small budgets: the model fitted every other iteration, a few updates per iteration.
    private static IAlgorithm Make(string algorithm, IEnv env, long seed) => algorithm switch
    {
        "svg1" or "svg1-er" or "svg1-er-learned-entropy" => new Svg1(env, new Svg1Config
        {
            ExperienceReplay = algorithm != "svg1", TargetEntropy = algorithm == "svg1-er-learned-entropy" ? -1 : null, IterationSteps = 50, RandomSteps = 100, GradientSteps = 4, BatchSize = 16, ModelFitInterval = 100,
            Hidden = [8], PeriodicStates = [0], Model = SmallModel,
        }, seed),
        _ => new SvgInf(env, new SvgInfConfig
        {
            IterationSteps = 50, RandomSteps = 100, GradientSteps = 2, RecentEpisodes = 2, Horizon = algorithm == "svginf-windows" ? 7 : null, Windows = 5,
            ModelFitInterval = 100, Hidden = [8], PeriodicStates = [0], Model = SmallModel,
        }, seed),
    };

    // Pendulum episodes of 60 steps: several episodes end inside the run.
    private static IEnv Pendulum(long seed) => new Robots.Wrappers.TimeLimit(Envs.Make("pendulum", seed, timeLimit: false), 60);

    private static (List<double[]> Metrics, double[] Weights) Run(string algorithm, long seed, int iterations, int stopAt = -1)
    {
        var metrics = new List<double[]>();
        IAlgorithm learner = Make(algorithm, Pendulum(seed), seed);
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
                    // The run's seed stays (the registry restores with the stored one: the model's fits derive from it);
                    // the env is made with another seed, so its state must come from the checkpoint.
                    learner = Make(algorithm, Pendulum(seed + 1000), seed);
                    learner.Load(Checkpoint.Load(path));
                }
                metrics.Add([.. learner.Iterate().OrderBy(p => p.Key).Select(p => p.Value), learner.EnvSteps]);
            }
            Module[] modules = learner switch
            {
                Svg1 s => [s.Actor, s.Value, (Module)s.Model.Network],
                SvgInf s => [s.Actor, (Module)s.Model.Network],
                _ => throw new ArgumentException(learner.Name),
            };
            return (metrics, [.. modules.SelectMany(m => m.Parameters()).SelectMany(p => p.ToDoubleArray())]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("svg1")]
    [InlineData("svg1-er")]
    [InlineData("svg1-er-learned-entropy")]
    [InlineData("svginf")]
    [InlineData("svginf-windows")]
    public void ResumeFromACheckpointReproducesTheUninterruptedRunBitwise(string algorithm)
    {
        (List<double[]> straight, double[] straightWeights) = Run(algorithm, 5, 8);
        (List<double[]> resumed, double[] resumedWeights) = Run(algorithm, 5, 8, stopAt: 5);
        Assert.Equal(straight, resumed);
        Assert.Equal(straightWeights, resumedWeights);
        // Updates happened before and after the checkpoint.
        Assert.True(straight[4].Any(v => double.IsFinite(v) && v != 0) && straight[7].Any(double.IsFinite));
    }

    [Fact]
    public void InferredNoisesReproduceTheRecordedTransitions()
    {
        var learner = (Svg1)Make("svg1", Pendulum(3), 3);
        for (int k = 0; k < 6; k++) learner.Iterate();
        SvgReplay replay = learner.Replay;
        int count = replay.Count, first = 100;
        int rows = count - first;
        var noise = new double[rows];
        var logProb = new double[rows];
        ReadOnlySpan<double> states = replay.States[(first * 2)..], actions = replay.Actions[first..], next = replay.NextStates[(first * 2)..];
        learner.Actor.InferNoise(states, actions, noise, logProb);
        double[] zeta = SvgObjectives.ModelNoise(learner.Model, states, actions, next, rows);
        using (Autograd.NoGrad())
        {
            Tensor s = Tensor.FromArray(states.ToArray(), rows, 2);
            double[] a = learner.Actor.Act(s, Tensor.FromArray(noise, rows, 1)).ToDoubleArray();
            double[] rebuilt = (learner.Model.Step(s, Tensor.FromArray(a, rows, 1)) + Tensor.FromArray(zeta, rows, 2)).ToDoubleArray();
            for (int i = 0; i < rows; i++) Assert.Equal(actions[i], a[i], 9);
            for (int i = 0; i < 2 * rows; i++) Assert.Equal(next[i], rebuilt[i], 9);
        }
        // The log-density of the action is the Gaussian's minus the log of the squash's Jacobian, against a numeric one:
        // the probability of [a - h, a + h] from the Gaussian CDF of the pre-squash values, divided by 2h.
        Tensor one = Tensor.FromArray(states[..2].ToArray(), 1, 2);
        (Tensor mean, Tensor logStd) = learner.Actor.Gaussian(one);
        double mu = mean.Item(), sd = Math.Exp(logStd.Item()), h = 1e-5, action = actions[0];
        double U(double value) => Math.Atanh(value / 2);
        double numeric = (Phi((U(action + h) - mu) / sd) - Phi((U(action - h) - mu) / sd)) / (2 * h);
        Assert.Equal(Math.Log(numeric), logProb[0], 5);
    }

    private static double Phi(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

    // Abramowitz and Stegun 7.1.26 is too coarse for a 1e-5 check; integrate the density instead (Simpson, fine grid).
    private static double Erf(double x)
    {
        const int steps = 20_000;
        double h = x / steps, sum = 0;
        for (int i = 0; i <= steps; i++)
        {
            double t = i * h, f = Math.Exp(-t * t);
            sum += (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2) * f;
        }
        return 2 / Math.Sqrt(Math.PI) * sum * h / 3;
    }

    // With gamma 0, V regresses onto RewardScale times the reward alone: its mean over the replayed states follows the
    // scale (a V fitted to the unscaled reward would miss the 0.1 case by a factor of 10).
    [Theory]
    [InlineData(1.0)]
    [InlineData(0.1)]
    public void Svg1ValueLearnsTheScaledReward(double scale)
    {
        var svg = new Svg1(Pendulum(3), new Svg1Config
        {
            IterationSteps = 200, RandomSteps = 200, GradientSteps = 600, BatchSize = 64, Gamma = 0, RewardScale = scale, ValueLearningRate = 1e-2,
            ModelFitInterval = 200, Hidden = [16], PeriodicStates = [0], Model = SmallModel,
        }, 3);
        svg.Iterate();
        svg.Iterate();
        int count = svg.Replay.Count;
        double meanValue;
        using (TensorScope.Begin())
        using (Autograd.NoGrad())
            meanValue = svg.Value.Forward(Tensor.FromArray(svg.Replay.States.ToArray(), count, 2)).Mean().Item();
        double target = scale * svg.Replay.Rewards.ToArray().Average();
        Assert.True(Math.Abs(meanValue - target) < 0.15 * Math.Abs(target), $"mean V {meanValue}, mean scaled reward {target}");
    }

    [Fact]
    public void ADiscreteEnvOrAnEnvWithoutADifferentiableCostIsRefusedByName()
    {
        var discrete = Assert.Throws<ArgumentException>(() => new Svg1(Envs.Make("cartpole", 1), new Svg1Config(), 1));
        Assert.Contains("expected bounded Box actions", discrete.Message);
        var noCost = Assert.Throws<ArgumentException>(() => new SvgInf(new NoModelEnv(), new SvgInfConfig(), 1));
        Assert.Contains("needs the env's differentiable cost and its state", noCost.Message);
        Assert.Contains("no-model", noCost.Message);
    }

    [Theory]
    [InlineData("svg1-er", "value loss")]
    [InlineData("svginf", "trajectory return")]
    public void ANonFiniteObjectiveStopsTrainingWithTheIterationAndTheTerm(string algorithm, string term)
    {
        IAlgorithm learner = Make(algorithm, Pendulum(4), 4);
        learner.Iterate();
        learner.Iterate();
        // V's weights (SVG(1)), or the model's (SVG(inf): no refit in the third iteration, so the inferred noises are NaN).
        Tensor weight = learner is Svg1 s ? s.Value.Parameters()[0] : ((SvgInf)learner).Model.Network.Parameters()[0];
        if (weight.DType == DType.Float64) weight.Span<double>()[0] = double.NaN;
        else weight.Span<float>()[0] = float.NaN;
        var error = Assert.Throws<NonFiniteLossException>(() => learner.Iterate());
        Assert.Equal(term, error.Term);
        Assert.Equal(2, error.Iteration);
        Assert.Contains(algorithm, error.Message);
    }

    [Fact]
    public void TheRegistryStartsEachOnThePendulumAndItsPolicyReadsTheState()
    {
        foreach (string name in ModelBasedAlgorithms.Names)
        {
            (IAlgorithm algorithm, Policies.Registry.RunDescription run) = ModelBasedAlgorithms.Start(name, "pendulum", 2, s => Envs.Make("pendulum", s));
            Assert.Equal(name, algorithm.Name);
            Assert.Equal(PolicyInput.State, algorithm.Input);
            InferencePolicy policy = algorithm.InferencePolicy();
            Assert.Equal(2, policy.ObservationSize);
            Assert.Equal(ObservationEncoding.Periodic, policy.Encoding);
            EvaluationResult result = Evaluation.Run(algorithm.Policy(true), s => Envs.Make("pendulum", s), 1, 7, input: algorithm.Input);
            Assert.Equal(200, result.Lengths[0]);
            Assert.Contains("\"PeriodicStates\":[0]", run.Config);
        }
    }

    // The registry's pendulum presets, small budgets: the deterministic policy beats a random one (about -1200) by far.
    [Theory]
    [InlineData("svginf", 3000, -500)]
    [InlineData("svg1-er", 4000, -900)]
    public void TheLearnersSwingThePendulumUpWithinASmallBudget(string name, int steps, double threshold)
    {
        (IAlgorithm algorithm, _) = ModelBasedAlgorithms.Start(name, "pendulum", 1, s => Envs.Make("pendulum", s));
        while (algorithm.EnvSteps < steps) algorithm.Iterate();
        EvaluationResult result = Evaluation.Run(algorithm.Policy(true), s => Envs.Make("pendulum", s), 5, 1_001_000, input: algorithm.Input);
        Assert.True(result.Returns.Average() > threshold, $"{name}: {result.Returns.Average():F1} after {steps} steps");
    }

    // SVG(1)-ER's replay window: the batches come from the last ReplayWindow rows (all rows while fewer are recorded),
    // SVG(1)'s from the iteration's own rows whatever the window; a window wider than the run changes nothing (bitwise)
    // and a narrow one changes the updates.
    [Fact]
    public void TheReplayWindowBoundsTheRowsSvg1ErLearnsFrom()
    {
        Svg1 Learner(bool experienceReplay, int window) => new(Pendulum(6), new Svg1Config
        {
            ExperienceReplay = experienceReplay, ReplayWindow = window, IterationSteps = 50, RandomSteps = 100, GradientSteps = 4, BatchSize = 16,
            ModelFitInterval = 100, Hidden = [8], PeriodicStates = [0], Model = SmallModel,
        }, 6);
        Svg1 windowed = Learner(true, 120), onPolicy = Learner(false, 120), whole = Learner(true, 0);
        windowed.Iterate();
        Assert.Equal((0, 50), windowed.UpdateRows(0));
        for (int k = 0; k < 3; k++) windowed.Iterate();
        for (int k = 0; k < 4; k++)
        {
            onPolicy.Iterate();
            whole.Iterate();
        }
        Assert.Equal(200, windowed.Replay.Count);
        Assert.Equal((80, 120), windowed.UpdateRows(150));
        Assert.Equal((150, 50), onPolicy.UpdateRows(150));
        Assert.Equal((0, 200), whole.UpdateRows(150));

        double[] Weights(int window)
        {
            Svg1 learner = Learner(true, window);
            for (int k = 0; k < 6; k++) learner.Iterate();
            return [.. learner.Actor.Parameters().Concat(learner.Value.Parameters()).SelectMany(p => p.ToDoubleArray())];
        }
        double[] unbounded = Weights(0);
        Assert.Equal(unbounded, Weights(300));
        Assert.NotEqual(unbounded, Weights(60));
    }

    [Fact]
    public void ANegativeReplayWindowIsRefusedByName()
    {
        var error = Assert.Throws<ArgumentException>(() => new Svg1Config { ReplayWindow = -1 }.Validate());
        Assert.Contains("Svg1Config.ReplayWindow", error.Message);
        Assert.Contains("-1", error.Message);
    }

    // The learned entropy weight moves toward its target: a target far above the policy's entropy raises it, one far
    // below lowers it, and the fixed weight stays where it was set.
    [Theory]
    [InlineData(10.0, 1)]
    [InlineData(-20.0, -1)]
    [InlineData(null, 0)]
    public void TheLearnedEntropyWeightMovesTowardItsTarget(double? target, int direction)
    {
        var learner = new Svg1(Pendulum(5), new Svg1Config
        {
            ExperienceReplay = true, IterationSteps = 50, RandomSteps = 100, GradientSteps = 20, BatchSize = 16, ModelFitInterval = 100,
            Hidden = [8], PeriodicStates = [0], Model = SmallModel, EntropyCoefficient = 0.1, TargetEntropy = target, EntropyLearningRate = 1e-2,
        }, 5);
        for (int k = 0; k < 4; k++) learner.Iterate();
        IReadOnlyDictionary<string, double> metrics = learner.Iterate();
        Assert.Equal(learner.EntropyWeight, metrics["train/entropy_weight"]);
        Assert.Equal(direction, Math.Sign(Math.Round(Math.Log(learner.EntropyWeight / 0.1), 6)));
        if (target is null) Assert.True(double.IsNaN(metrics["train/entropy_weight_loss"]));
        else Assert.True(Math.Abs(Math.Log(learner.EntropyWeight / 0.1)) > 0.5, $"log alpha moved by {Math.Log(learner.EntropyWeight / 0.1):F3}");
    }

    // AngleFeaturesOnly on the cart-pole (the pole's angle at index 2): after updates the first layers' weights on the
    // sine and cosine of the cart's position and the velocities are still exactly zero, and the exported policy (which
    // computes every sine and cosine) acts as the trained actor does, to the float32 of the inference network.
    [Theory]
    [InlineData("svg1-er")]
    [InlineData("svginf")]
    public void WithAngleFeaturesOnlyTheDroppedFeaturesStayOutAndTheExportedPolicyActsAsTheActor(string name)
    {
        IEnv env = new Robots.Wrappers.TimeLimit(Envs.Make("cartpole-swingup", 3, timeLimit: false), 60);
        IAlgorithm learner = name == "svg1-er"
            ? new Svg1(env, new Svg1Config
            {
                ExperienceReplay = true, IterationSteps = 50, RandomSteps = 100, GradientSteps = 4, BatchSize = 16, ModelFitInterval = 100,
                Hidden = [8], PeriodicStates = [2], AngleFeaturesOnly = true, Model = SmallModel,
            }, 3)
            : new SvgInf(env, new SvgInfConfig
            {
                IterationSteps = 50, RandomSteps = 100, GradientSteps = 2, RecentEpisodes = 2, Windows = 5, ModelFitInterval = 100,
                Hidden = [8], PeriodicStates = [2], AngleFeaturesOnly = true, Model = SmallModel,
            }, 3);
        SvgActor actor = learner is Svg1 s1 ? s1.Actor : ((SvgInf)learner).Actor;
        double[] before = actor.Parameters()[0].ToDoubleArray();
        for (int k = 0; k < 4; k++) learner.Iterate();
        double[] after = actor.Parameters()[0].ToDoubleArray();
        Assert.NotEqual(before, after);
        Module[] firstLayers = learner is Svg1 s ? [s.Actor, s.Value] : [actor];
        foreach (Module module in firstLayers)
        {
            double[] w = module.Parameters()[0].ToDoubleArray();
            int features = 12, rows = w.Length / features;
            for (int o = 0; o < rows; o++)
                foreach (int j in new[] { 0, 1, 3 })
                {
                    Assert.Equal(0.0, w[o * features + 4 + j]);
                    Assert.Equal(0.0, w[o * features + 8 + j]);
                }
            Assert.Contains(w, v => v != 0);
        }
        InferencePolicy policy = learner.InferencePolicy();
        var rng = new Control.Core.Rng(11);
        var state = new double[4];
        var action = new double[1];
        for (int i = 0; i < 20; i++)
        {
            for (int j = 0; j < 4; j++) state[j] = 20 * (rng.NextDouble() - 0.5);
            policy.Act(state, action);
            double expected;
            using (TensorScope.Begin())
            using (Autograd.NoGrad())
                expected = actor.Forward(Tensor.FromArray(state, 1, 4)).ToDoubleArray()[0];
            Assert.Equal(expected, action[0], 4);
        }
    }

    // A Box-action env with no model and no cost.
    private sealed class NoModelEnv : IEnv
    {
        public string Name => "no-model";
        public Space ObservationSpace { get; } = Box.Uniform(1, -1, 1);
        public Space ActionSpace { get; } = Box.Uniform(1, -1, 1);
        public void Reset(Span<double> observation, long? seed = null) => observation.Clear();
        public StepResult Step(ReadOnlySpan<double> action, Span<double> observation) => new(0, false, false);
    }
}
