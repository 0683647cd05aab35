// The pieces of the model-based loop on small problems: PETS' trajectory-sampling CEM is deterministic for a seed
// and plans inside the bounds with either propagation, a BPTT policy learns through a model, its weight selection
// never ends worse than it started, candidates are deterministic for a seed, and the multi-step error of an exact
// model is zero.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;
using Control.Planning;
using Control.Planning.Lqr;
using Control.Planning.Sampling;
using Control.Policies.Common;
using Control.Robots;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.ModelBased.Tests;

public class ModelBasedTests
{
    private static (IEnv Env, IModelEnv Truth, TransitionDataset Data) DoubleIntegratorData(int steps)
    {
        IEnv env = Envs.Make("double-integrator", 1);
        IModelEnv truth = env.Find<IModelEnv>()!;
        var data = new TransitionDataset(2, 1);
        TransitionCollector.Collect(env, null, steps, seed: 1, data);
        return (env, truth, data);
    }

    [Fact]
    public void PetsCemIsDeterministicAndStaysInTheBounds()
    {
        (_, IModelEnv truth, TransitionDataset data) = DoubleIntegratorData(600);
        var ensemble = new ProbabilisticEnsemble(2, 1, truth.Dynamics.ControlBounds,
            new ProbabilisticEnsembleConfig { Members = 3, Elites = 2, Hidden = [16, 16], Epochs = 20, Seed = 2 });
        ensemble.Fit(data.States, data.Controls, data.NextStates, data.Count);
        foreach (TrajectorySampling propagation in new[] { TrajectorySampling.TS1, TrajectorySampling.TSInfinity })
        {
            var config = new PetsCemConfig { Horizon = 10, Population = 30, Elites = 5, Iterations = 2, Particles = 4, Propagation = propagation, Seed = 7 };
            PlanResult a = new PetsCem(ensemble, truth.Cost, config).Plan([1.0, 0.0]);
            PlanResult b = new PetsCem(ensemble, truth.Cost, config).Plan([1.0, 0.0]);
            Assert.Equal(a.Trajectory.Controls, b.Trajectory.Controls);
            Assert.All(a.Trajectory.Controls, u => Assert.InRange(u, truth.Dynamics.ControlBounds.Low[0], truth.Dynamics.ControlBounds.High[0]));
            Assert.True(double.IsFinite(a.Cost));
            Assert.True(a.Trajectory.Controls[0] < 0, "from x = 1 at rest the first push is toward the origin");
        }
    }

    [Fact]
    public void ABpttPolicyLearnsThroughTheModel()
    {
        (IEnv env, IModelEnv truth, TransitionDataset data) = DoubleIntegratorData(400);
        var policy = new BpttPolicy(2, truth.Dynamics.ControlBounds, new BpttConfig { Horizon = 30, GradientSteps = 150, Seed = 3 });
        var model = new DifferentiableDynamics(truth.Dynamics);
        var cost = new DifferentiableCost(truth.Cost);
        double before = ModelBasedLoop.Evaluate(env, policy, 3, seed: 10);
        policy.Train(model, cost, data.States, data.Count);
        double after = ModelBasedLoop.Evaluate(env, policy, 3, seed: 10);
        Assert.True(after > before + 1, $"return {before} before training, {after} after");
    }

    [Fact]
    public void ABpttPolicysInferenceFormActsAsItDoesAndSurvivesACheckpoint()
    {
        var bounds = new Box([-2.0, -1.0], [2.0, 3.0]);
        var policy = new BpttPolicy(3, bounds, new BpttConfig { Hidden = [16, 16], PeriodicStates = [2, 0], Seed = 5 });
        InferencePolicy inference = policy.InferencePolicy();
        Assert.Equal(ObservationEncoding.Periodic, inference.Encoding);
        Assert.Equal([0, 2], inference.Angles);
        string path = Path.Combine(Path.GetTempPath(), $"bptt-{Guid.NewGuid():N}.ctl");
        try
        {
            var checkpoint = new Checkpoint();
            inference.Save(checkpoint);
            checkpoint.Save(path);
            InferencePolicy loaded = InferencePolicy.Load(path);
            var rng = new Rng(9);
            var x = new double[3];
            double[] expected = new double[2], actual = new double[2], reloaded = new double[2];
            for (int k = 0; k < 200; k++)
            {
                rng.FillNormal(x);
                for (int i = 0; i < 3; i++) x[i] *= 3;
                policy.Act(x, expected);
                inference.Act(x, actual);
                loaded.Act(x, reloaded);
                Assert.Equal(actual, reloaded);
                for (int j = 0; j < 2; j++) Assert.True(Math.Abs(actual[j] - expected[j]) <= 1e-5 * (1 + Math.Abs(expected[j])), $"action {j}: {actual[j]} against {expected[j]} at {string.Join(", ", x)}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    // The double integrator's true model and cost as tensor graphs, 400 random transitions, and their first
    // initialCount states as the initial states.
    private static (IModelEnv Truth, TransitionDataset Data, DifferentiableDynamics Model, DifferentiableCost Cost, double[] Initial) BpttProblem(int initialCount)
    {
        (_, IModelEnv truth, TransitionDataset data) = DoubleIntegratorData(400);
        return (truth, data, new DifferentiableDynamics(truth.Dynamics), new DifferentiableCost(truth.Cost), data.States[..(initialCount * 2)].ToArray());
    }

    [Fact]
    public void WeightSelectionNeverEndsWorseThanTheStartByImaginedCost()
    {
        (IModelEnv truth, TransitionDataset data, DifferentiableDynamics model, DifferentiableCost cost, double[] initial) = BpttProblem(initialCount: 32);
        // A step size this large wrecks the policy within a few steps; only the selection can bring it back.
        var reckless = new BpttConfig { Horizon = 20, GradientSteps = 60, LearningRate = 3.0, SelectionInterval = 10, SelectionHorizon = 40, SelectionStates = 32, Seed = 5 };
        var selected = new BpttPolicy(2, truth.Dynamics.ControlBounds, reckless);
        var unselected = new BpttPolicy(2, truth.Dynamics.ControlBounds, reckless with { SelectionInterval = 0 });
        double start = selected.ImaginedCost(model, cost, initial);
        Assert.Equal(start, unselected.ImaginedCost(model, cost, initial));

        selected.Train(model, cost, data.States, data.Count, initial);
        unselected.Train(model, cost, data.States, data.Count, initial);

        double kept = selected.ImaginedCost(model, cost, initial);
        Assert.Equal(selected.SelectedImaginedCost, kept, 12);
        Assert.True(kept <= start, $"selection kept weights of imagined cost {kept}, worse than the start's {start}");
        double wrecked = unselected.ImaginedCost(model, cost, initial);
        Assert.True(wrecked > kept, $"without selection the reckless training should end worse ({wrecked}) than with it ({kept})");
    }

    [Fact]
    public void BpttCandidatesActWithTheLowestImaginedCostAndAreDeterministic()
    {
        (IModelEnv truth, TransitionDataset data, DifferentiableDynamics model, DifferentiableCost cost, double[] initial) = BpttProblem(initialCount: 16);
        var config = new BpttConfig { Horizon = 15, GradientSteps = 20, SelectionInterval = 10, SelectionHorizon = 30, SelectionStates = 16, Candidates = 3, RestartEvery = 2, Seed = 11 };

        double[] Run(BpttConfig c)
        {
            var candidates = new BpttCandidates(2, truth.Dynamics.ControlBounds, c);
            for (int round = 0; round < 3; round++) candidates.Train(model, cost, data.States, data.Count, initial);
            Assert.Equal(3, candidates.Rounds);
            Assert.Equal(candidates.ImaginedCosts.Min(), candidates.Best.ImaginedCost(model, cost, initial), 12);
            Assert.All(candidates.ImaginedCosts, v => Assert.True(double.IsFinite(v)));
            var actions = new double[8];
            for (int i = 0; i < 8; i++) candidates.Act([0.5 * i - 2, 0.1 * i], actions.AsSpan(i, 1));
            return actions;
        }

        double[] first = Run(config);
        Assert.Equal(first, Run(config));
        Assert.NotEqual(first, Run(config with { Seed = 12 }));
    }

    [Fact]
    public void BpttRejectsMalformedInitialStatesAndSettings()
    {
        (_, IModelEnv truth, TransitionDataset data) = DoubleIntegratorData(50);
        var policy = new BpttPolicy(2, truth.Dynamics.ControlBounds, new BpttConfig { GradientSteps = 1 });
        var error = Assert.Throws<ArgumentException>(() => policy.Train(new DifferentiableDynamics(truth.Dynamics), new DifferentiableCost(truth.Cost), data.States, data.Count, new double[3]));
        Assert.Contains("rows of length 2", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BpttPolicy(2, truth.Dynamics.ControlBounds, new BpttConfig { InitialStateFraction = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BpttCandidates(2, truth.Dynamics.ControlBounds, new BpttConfig { Candidates = 0 }));
    }

    // Hides a model's batch interface, so that the sampling engine steps it one row at a time.
    private sealed class RowByRow(IDynamics inner) : IDynamics
    {
        public int StateSize => inner.StateSize;
        public int ControlSize => inner.ControlSize;
        public double TimeStep => inner.TimeStep;
        public Box ControlBounds => inner.ControlBounds;
        public DynamicsWorkspace CreateWorkspace() => inner.CreateWorkspace();
        public void Step(DynamicsWorkspace w, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next) => inner.Step(w, x, u, next);
        public void Linearize(DynamicsWorkspace w, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next, Span<double> fx, Span<double> fu)
            => inner.Linearize(w, x, u, next, fx, fu);
    }

    private sealed class Uniform(double low, double high) : IControlSampler
    {
        public double Sample(int sample, Rng random, Span<double> controls)
        {
            random.FillUniform(controls, low, high);
            return 0;
        }
    }

    [Fact]
    public void BatchedRolloutsOfALearnedModelEqualRowByRowRollouts()
    {
        (_, IModelEnv truth, TransitionDataset data) = DoubleIntegratorData(400);
        var model = new MlpDynamics(2, 1, truth.Dynamics.ControlBounds, new MlpDynamicsConfig { Hidden = [16], Epochs = 5, Seed = 1, Precision = DType.Float64 });
        model.Fit(data.States, data.Controls, data.NextStates, data.Count);
        var batched = new SampledRollouts(model, truth.Cost, horizon: 12, samples: 20, threads: 1, seed: 3);
        var rows = new SampledRollouts(new RowByRow(model), truth.Cost, horizon: 12, samples: 20, threads: 2, seed: 3);
        batched.Evaluate([0.5, -0.2], new Uniform(-1, 1));
        rows.Evaluate([0.5, -0.2], new Uniform(-1, 1));
        Assert.Equal(rows.Controls, batched.Controls);
        for (int k = 0; k < 20; k++) Assert.Equal(rows.Costs[k], batched.Costs[k], 9);
    }

    [Fact]
    public void TheMultiStepErrorOfTheTrueModelIsZero()
    {
        (_, IModelEnv truth, TransitionDataset data) = DoubleIntegratorData(300);
        Assert.Equal(0.0, ModelBasedLoop.MultiStepError(truth.Dynamics, data, 0, 10), 12);
        var biased = new LinearDynamics([1, 0.1, 0, 1], [0.0, 0.1], 2, offset: [0.01, 0]);
        Assert.True(ModelBasedLoop.MultiStepError(biased, data, 0, 10) > 0);
    }

    [Fact]
    public void LqrOnAModelLearnedFromALinearSystemMatchesLqrOnTheTruth()
    {
        double[] a = [1.0, 0.1, -0.2, 0.95], b = [0.0, 0.1];
        var truth = new LinearDynamics(a, b, 2, bounds: Box.Uniform(1, -5, 5));
        var rng = new Rng(8);
        const int count = 3000;
        var x = new double[count * 2];
        var u = new double[count];
        var next = new double[count * 2];
        rng.FillUniform(x, -1, 1);
        rng.FillUniform(u, -1, 1);
        DynamicsWorkspace w = truth.CreateWorkspace();
        for (int r = 0; r < count; r++) truth.Step(w, x.AsSpan(2 * r, 2), u.AsSpan(r, 1), next.AsSpan(2 * r, 2));
        var model = new MlpDynamics(2, 1, truth.ControlBounds,
            new MlpDynamicsConfig { Hidden = [16], Activation = Activation.Identity, Epochs = 150, Seed = 1, Precision = DType.Float64 });
        model.Fit(x, u, next, count);

        var fx = new double[4];
        var fu = new double[2];
        model.Linearize(model.CreateWorkspace(), [0.3, -0.2], [0.1], new double[2], fx, fu);
        double[,] q = { { 1, 0 }, { 0, 0.1 } }, rr = { { 0.01 } };
        double[,] kTrue = InfiniteHorizonLqr.Solve(To(a, 2, 2), To(b, 2, 1), q, rr).K;
        double[,] kLearned = InfiniteHorizonLqr.Solve(To(fx, 2, 2), To(fu, 2, 1), q, rr).K;
        for (int j = 0; j < 2; j++)
            Assert.True(Math.Abs(kLearned[0, j] - kTrue[0, j]) <= 0.02 * (1 + Math.Abs(kTrue[0, j])), $"K[0,{j}]: learned {kLearned[0, j]}, truth {kTrue[0, j]}");
    }

    private static double[,] To(double[] values, int rows, int columns)
    {
        var matrix = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++) matrix[i, j] = values[i * columns + j];
        }
        return matrix;
    }
}
