// MlpDynamics: its autodiff Jacobians (Linearize, LinearizeBatch and the tensor graph) against central
// differences of its own Step, recovery of a known linear system's A and B, and the fit report.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Learned;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Dynamics.Tests.Learned;

public class LearnedDynamicsTests
{
    private static MlpDynamics FitPendulum(DType precision)
    {
        var model = new MlpDynamics(2, 1, Box.Uniform(1, -1, 1),
            new MlpDynamicsConfig { Hidden = [16, 16], Epochs = 5, BatchSize = 64, Precision = precision, Seed = 3 }, timeStep: 0.1);
        Transitions data = LearnedTestData.Pendulum(500, seed: 1);
        model.Fit(data.States, data.Controls, data.NextStates, data.Count);
        return model;
    }

    // Central differences of Step at (x, u): Fx (n x n) and Fu (n x m).
    private static (double[] Fx, double[] Fu) CentralDifferences(IDynamics f, double[] x, double[] u, double h)
    {
        int n = f.StateSize, m = f.ControlSize;
        DynamicsWorkspace w = f.CreateWorkspace();
        var fx = new double[n * n];
        var fu = new double[n * m];
        var plus = new double[n];
        var minus = new double[n];
        for (int j = 0; j < n + m; j++)
        {
            double[] xp = (double[])x.Clone(), xm = (double[])x.Clone(), up = (double[])u.Clone(), um = (double[])u.Clone();
            if (j < n) { xp[j] += h; xm[j] -= h; }
            else { up[j - n] += h; um[j - n] -= h; }
            f.Step(w, xp, up, plus);
            f.Step(w, xm, um, minus);
            for (int i = 0; i < n; i++)
            {
                double d = (plus[i] - minus[i]) / (2 * h);
                if (j < n) fx[i * n + j] = d;
                else fu[i * m + j - n] = d;
            }
        }
        return (fx, fu);
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
            Assert.True(Math.Abs(expected[k] - actual[k]) <= tolerance, $"{what}[{k}]: expected {expected[k]}, got {actual[k]} (tolerance {tolerance}).");
    }

    [Theory]
    [InlineData(DType.Float64, 1e-6, 1e-7)]
    [InlineData(DType.Float32, 1e-2, 2e-3)]
    public void LinearizeMatchesCentralDifferencesOfStep(DType precision, double h, double tolerance)
    {
        MlpDynamics model = FitPendulum(precision);
        DynamicsWorkspace w = model.CreateWorkspace();
        double[][] points = [[0.3, -0.7], [2.0, 1.1], [-1.5, 0.2]];
        double[] controls = [0.4, -0.8, 0.1];
        for (int p = 0; p < points.Length; p++)
        {
            double[] x = points[p], u = [controls[p]];
            var next = new double[2];
            var fx = new double[4];
            var fu = new double[2];
            model.Linearize(w, x, u, next, fx, fu);
            (double[] fdx, double[] fdu) = CentralDifferences(model, x, u, h);
            AssertClose(fdx, fx, tolerance, "Fx");
            AssertClose(fdu, fu, tolerance, "Fu");
            var stepped = new double[2];
            model.Step(w, x, u, stepped);
            AssertClose(stepped, next, 1e-12, "Linearize's x'");
        }
    }

    [Fact]
    public void LinearizeBatchEqualsRowByRowLinearize()
    {
        MlpDynamics model = FitPendulum(DType.Float64);
        DynamicsWorkspace w = model.CreateWorkspace();
        const int T = 7;
        var rng = new Rng(5);
        var states = new double[T * 2];
        var controls = new double[T];
        rng.FillUniform(states, -2, 2);
        rng.FillUniform(controls, -0.9, 0.9);
        var next = new double[T * 2];
        var fx = new double[T * 4];
        var fu = new double[T * 2];
        model.LinearizeBatch(w, states, controls, next, fx, fu);
        var stepped = new double[T * 2];
        model.StepBatch(w, states, controls, stepped);
        for (int t = 0; t < T; t++)
        {
            var rowNext = new double[2];
            var rowFx = new double[4];
            var rowFu = new double[2];
            model.Linearize(w, states.AsSpan(t * 2, 2), controls.AsSpan(t, 1), rowNext, rowFx, rowFu);
            AssertClose(rowNext, next.AsSpan(t * 2, 2), 1e-12, $"x'[{t}]");
            AssertClose(rowNext, stepped.AsSpan(t * 2, 2), 1e-12, $"StepBatch x'[{t}]");
            AssertClose(rowFx, fx.AsSpan(t * 4, 4), 1e-12, $"Fx[{t}]");
            AssertClose(rowFu, fu.AsSpan(t * 2, 2), 1e-12, $"Fu[{t}]");
        }
    }

    [Fact]
    public void ClippedControlsHaveZeroFuColumns()
    {
        MlpDynamics model = FitPendulum(DType.Float64);
        DynamicsWorkspace w = model.CreateWorkspace();
        var next = new double[2];
        var clippedNext = new double[2];
        var fx = new double[4];
        var fu = new double[2];
        model.Linearize(w, [0.5, 0.5], [3.0], next, fx, fu);
        model.Step(w, [0.5, 0.5], [1.0], clippedNext);
        Assert.Equal([0.0, 0.0], fu);
        AssertClose(clippedNext, next, 1e-12, "x' at the clipped control");
    }

    [Fact]
    public void TensorStepGradientsAreTheTransposedJacobians()
    {
        MlpDynamics model = FitPendulum(DType.Float32);
        double[] x = [0.4, -1.2, -2.0, 0.3], u = [0.5, -0.25], weights = [1.5, -0.5];
        Tensor xt = Tensor.FromArray(x, 2, 2);
        Tensor ut = Tensor.FromArray(u, 2, 1);
        xt.RequiresGrad = true;
        ut.RequiresGrad = true;
        Tensor next = model.Step(xt, ut);
        (next * Tensor.FromArray(weights, 1, 2)).Sum().Backward();

        DynamicsWorkspace w = model.CreateWorkspace();
        var values = new double[4];
        var fx = new double[8];
        var fu = new double[4];
        model.LinearizeBatch(w, x, u, values, fx, fu);
        AssertClose(values, next.ToDoubleArray(), 1e-12, "tensor x'");
        // The network runs in float32: the tape and the Jacobian path apply the standardization in different
        // orders, so the gradients agree to float rounding (about 1e-9 here), not to the last double bit.
        for (int b = 0; b < 2; b++)
        {
            for (int j = 0; j < 2; j++)
            {
                double expected = weights[0] * fx[b * 4 + j] + weights[1] * fx[b * 4 + 2 + j];
                Assert.Equal(expected, xt.Grad![b * 2 + j], 6);
            }
            Assert.Equal(weights[0] * fu[b * 2] + weights[1] * fu[b * 2 + 1], ut.Grad![b], 6);
        }
    }

    [Theory]
    [InlineData(Activation.Identity, 2e-3)]
    [InlineData(Activation.Tanh, 2e-2)]
    public void RecoversTheMatricesOfALinearSystem(Activation activation, double tolerance)
    {
        LinearDynamics truth = LearnedTestData.Linear();
        Transitions data = LearnedTestData.Sample(truth, 2000, noise: 0, seed: 11);
        var model = new MlpDynamics(2, 1, truth.ControlBounds,
            new MlpDynamicsConfig { Hidden = [16], Activation = activation, Epochs = 40, BatchSize = 64, LearningRate = 3e-3, Seed = 2 });
        FitReport report = model.Fit(data.States, data.Controls, data.NextStates, data.Count);

        Assert.Equal(1800, report.TrainCount);
        Assert.Equal(200, report.HoldoutCount);
        Assert.Equal(report.Epochs, report.TrainLoss.Length);
        Assert.Equal(report.Epochs, report.HoldoutMse.Length);
        Assert.True(report.TrainLoss[^1] < report.TrainLoss[0] / 10, $"training loss {report.TrainLoss[0]} -> {report.TrainLoss[^1]}");
        Assert.Equal(report.HoldoutMse.Min(), report.MemberHoldoutMse[0]);

        DynamicsWorkspace w = model.CreateWorkspace();
        var next = new double[2];
        var fx = new double[4];
        var fu = new double[2];
        foreach (double[] x in new[] { new[] { 0.0, 0.0 }, new[] { 0.5, -0.5 } })
        {
            model.Linearize(w, x, [0.2], next, fx, fu);
            AssertClose(LearnedTestData.A, fx, tolerance, "A");
            AssertClose(LearnedTestData.B, fu, tolerance, "B");
        }
    }

    [Fact]
    public void MultiStepErrorOfAModelWithAConstantBiasGrowsAsKSquared()
    {
        // Recorded: x' = x. Model: x' = x + c. After k steps the error is k c in every dimension.
        double[] c = [0.1, -0.2];
        var model = new LinearDynamics([1, 0, 0, 1], [0, 0], 2, offset: c);
        const int T = 10, H = 4;
        var states = new double[(T + 1) * 2];
        for (int t = 0; t <= T; t++) { states[2 * t] = 0.3; states[2 * t + 1] = -0.4; }
        MultiStepErrorReport report = ModelMetrics.MultiStepError(model, states, new double[T], H);
        double perDimension = (c[0] * c[0] + c[1] * c[1]) / 2;
        for (int k = 1; k <= H; k++)
        {
            Assert.Equal(k * k * perDimension, report.MeanSquaredError[k - 1], 12);
            Assert.Equal(T - k + 1, report.Starts[k - 1]);
        }
    }

    [Fact]
    public void MultiStepErrorStaysInsideEpisodes()
    {
        LinearDynamics truth = LearnedTestData.Linear();
        // Two episodes of 3 and 2 transitions, simulated by the true model: zero error, and starts per horizon
        // counted within each episode only.
        int[] lengths = [3, 2];
        var states = new List<double>();
        var controls = new List<double>();
        DynamicsWorkspace w = truth.CreateWorkspace();
        foreach (int length in lengths)
        {
            double[] x = [0.5, -0.1];
            states.AddRange(x);
            for (int t = 0; t < length; t++)
            {
                var next = new double[2];
                double u = 0.3 * t - 0.2;
                truth.Step(w, x, [u], next);
                controls.Add(u);
                states.AddRange(next);
                x = next;
            }
        }
        MultiStepErrorReport report = ModelMetrics.MultiStepError(truth, states.ToArray(), controls.ToArray(), lengths, 3);
        Assert.Equal([5, 3, 1], report.Starts);
        Assert.All(report.MeanSquaredError, e => Assert.True(e < 1e-28));
    }
}
