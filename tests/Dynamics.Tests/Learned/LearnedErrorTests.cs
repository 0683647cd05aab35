// Bad input to learned models: data of the wrong shape or with NaN, settings out of range, use before fitting,
// foreign workspaces and wrong span lengths, each a typed error that names what was expected.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Learned;

namespace Control.Dynamics.Tests.Learned;

public class LearnedErrorTests
{
    private static readonly MlpDynamicsConfig Tiny = new() { Hidden = [4], Epochs = 1, BatchSize = 8 };

    private static MlpDynamics Model() => new(2, 1, Box.Uniform(1, -1, 1), Tiny);

    [Fact]
    public void WrongLengthsAreRejected()
    {
        Transitions d = LearnedTestData.Pendulum(20, seed: 1);
        var e = Assert.Throws<InvalidTransitionDataException>(() => Model().Fit(d.States.AsSpan(1), d.Controls, d.NextStates, d.Count));
        Assert.Contains("states (count x n) of length 20 x 2 = 40, got length 39", e.Message);
        e = Assert.Throws<InvalidTransitionDataException>(() => Model().Fit(d.States, d.Controls, d.NextStates, d.Count + 1));
        Assert.Contains("21 x 2", e.Message);
        e = Assert.Throws<InvalidTransitionDataException>(() => Model().Fit(d.States, d.Controls.AsSpan(2), d.NextStates, d.Count));
        Assert.Contains("controls", e.Message);
        Assert.Throws<InvalidTransitionDataException>(() => Model().Fit([], [], [], 0));
        Assert.Throws<InvalidTransitionDataException>(() => Model().Fit(d.States.AsSpan(0, 4), d.Controls.AsSpan(0, 2), d.NextStates.AsSpan(0, 4), 2));
    }

    [Fact]
    public void NonFiniteValuesAreRejected()
    {
        Transitions d = LearnedTestData.Pendulum(20, seed: 1);
        d.NextStates[7] = double.NaN;
        var e = Assert.Throws<InvalidTransitionDataException>(() => Model().Fit(d.States, d.Controls, d.NextStates, d.Count));
        Assert.Contains("finite next states, got NaN in row 3, column 1", e.Message);
        d.NextStates[7] = 0;
        d.Controls[4] = double.PositiveInfinity;
        var ensemble = new ProbabilisticEnsemble(2, 1, Box.Uniform(1, -1, 1), new ProbabilisticEnsembleConfig { Members = 2, Elites = 1, Hidden = [4], Epochs = 1 });
        e = Assert.Throws<InvalidTransitionDataException>(() => ensemble.Fit(d.States, d.Controls, d.NextStates, d.Count));
        Assert.Contains("finite controls", e.Message);
    }

    [Fact]
    public void SettingsOutOfRangeAreRejected()
    {
        Box bounds = Box.Uniform(1, -1, 1);
        Assert.Throws<ArgumentException>(() => new MlpDynamics(2, 1, bounds, Tiny with { Hidden = [0] }));
        Assert.Throws<ArgumentException>(() => new MlpDynamics(2, 1, bounds, Tiny with { HoldoutFraction = 1 }));
        Assert.Throws<ArgumentException>(() => new MlpDynamics(2, 1, bounds, Tiny with { LearningRate = double.NaN }));
        var e = Assert.Throws<ArgumentException>(() => new ProbabilisticEnsemble(2, 1, bounds, new ProbabilisticEnsembleConfig { Members = 3, Elites = 4 }));
        Assert.Contains("elites in [1, 3], got 4", e.Message);
        Assert.Throws<ArgumentException>(() => new MlpDynamics(2, 2, bounds, Tiny));
    }

    [Fact]
    public void UseBeforeFitOrWithBadSpansIsRejected()
    {
        MlpDynamics model = Model();
        Assert.Throws<InvalidOperationException>(() => model.Step(model.CreateWorkspace(), [0, 0], [0], new double[2]));
        Transitions d = LearnedTestData.Pendulum(40, seed: 2);
        model.Fit(d.States, d.Controls, d.NextStates, d.Count);
        DynamicsWorkspace w = model.CreateWorkspace();
        Assert.Throws<ArgumentException>(() => model.Step(w, [0, 0, 0], [0], new double[2]));
        var e = Assert.Throws<ArgumentException>(() => model.Step(w, [double.NaN, 0], [0], new double[2]));
        Assert.Contains("finite x, got NaN at index 0", e.Message);
        Assert.Throws<ArgumentException>(() => model.Linearize(w, [0, 0], [0], new double[2], new double[3], new double[2]));
        Assert.Throws<ArgumentException>(() => model.LinearizeBatch(w, [0, 0, 1, 1], [0], new double[4], new double[8], new double[4]));
        Assert.Throws<ArgumentException>(() => model.Step(Model().CreateWorkspace(), [0, 0], [0], new double[2]));
        Assert.Throws<Control.Tensors.TensorException>(() => model.Step(Control.Tensors.Tensor.Zeros(Control.Tensors.DType.Float64, 2, 3), Control.Tensors.Tensor.Zeros(Control.Tensors.DType.Float64, 2, 1)));
    }

    [Fact]
    public void EnsembleMemberIndicesAreChecked()
    {
        Transitions d = LearnedTestData.Pendulum(40, seed: 2);
        var model = new ProbabilisticEnsemble(2, 1, Box.Uniform(1, -1, 1), new ProbabilisticEnsembleConfig { Members = 2, Elites = 1, Hidden = [4], Epochs = 1 });
        model.Fit(d.States, d.Controls, d.NextStates, d.Count);
        DynamicsWorkspace w = model.CreateWorkspace();
        Assert.Throws<ArgumentOutOfRangeException>(() => model.PredictMember(w, 2, [0, 0], [0], new double[2], new double[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.SampleBatch(w, [0, 0], [0], [-1], new Control.Core.Rng(1), new double[2]));
        Assert.Throws<ArgumentException>(() => model.SampleBatch(w, [0, 0], [0], [0, 1], new Control.Core.Rng(1), new double[2]));
    }

    [Fact]
    public void MultiStepErrorChecksItsArrays()
    {
        LinearDynamics f = LearnedTestData.Linear();
        Assert.Throws<InvalidTransitionDataException>(() => ModelMetrics.MultiStepError(f, new double[6], new double[3], 2));
        Assert.Throws<InvalidTransitionDataException>(() => ModelMetrics.MultiStepError(f, [0, double.NaN, 0, 0], [0], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelMetrics.MultiStepError(f, new double[4], [0], 0));
    }
}
