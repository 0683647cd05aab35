// ProbabilisticEnsemble: uncertainty grows away from the data, elites are the members of lowest holdout MSE,
// same seed gives identical weights and predictions, its elite mean recovers a linear system, its Jacobians match
// central differences, and trajectory sampling draws from the members' Gaussians.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Learned;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Dynamics.Tests.Learned;

public class LearnedEnsembleTests
{
    private static readonly ProbabilisticEnsembleConfig Small = new()
    {
        Members = 5, Elites = 3, Hidden = [32, 32], Epochs = 25, BatchSize = 64, LearningRate = 3e-3, Seed = 7,
    };

    private static (ProbabilisticEnsemble Model, FitReport Report) FitPendulum(ProbabilisticEnsembleConfig config)
    {
        Transitions data = LearnedTestData.Pendulum(800, seed: 4);
        var rng = new Rng(9);
        for (int k = 0; k < data.NextStates.Length; k++) data.NextStates[k] += 0.01 * rng.Normal();
        var model = new ProbabilisticEnsemble(2, 1, Box.Uniform(1, -1, 1), config, timeStep: 0.1);
        return (model, model.Fit(data.States, data.Controls, data.NextStates, data.Count));
    }

    private static readonly Lazy<(ProbabilisticEnsemble Model, FitReport Report)> Fitted = new(() => FitPendulum(Small));

    [Fact]
    public void PredictedVarianceIsLargerAwayFromTheData()
    {
        ProbabilisticEnsemble model = Fitted.Value.Model;
        DynamicsWorkspace w = model.CreateWorkspace();
        double Total(double[] x, double u)
        {
            var mean = new double[2];
            var aleatoric = new double[2];
            var epistemic = new double[2];
            model.PredictDistribution(w, x, [u], mean, aleatoric, epistemic);
            return aleatoric.Sum() + epistemic.Sum();
        }
        // The data cover angles in [-pi, pi] and velocities in [-2, 2].
        double near = Total([0.5, -0.3], 0.2), far = Total([12.0, 9.0], 0.2);
        Assert.True(far > 10 * near, $"variance near the data {near}, far from it {far}");
    }

    [Fact]
    public void ElitesAreTheMembersOfLowestHoldoutMse()
    {
        (ProbabilisticEnsemble model, FitReport report) = Fitted.Value;
        Assert.Equal(5, report.MemberHoldoutMse.Length);
        int[] expected = Enumerable.Range(0, 5).OrderBy(e => report.MemberHoldoutMse[e]).Take(3).ToArray();
        Assert.Equal(expected, report.Elites);
        Assert.Equal(expected, model.Elites);
        // The kept epoch is each member's best: no per-epoch mean is below the mean of the kept members.
        Assert.True(report.MemberHoldoutMse.Average() <= report.HoldoutMse.Min() + 1e-12);
        Assert.Equal(report.Epochs, report.HoldoutLoss.Length);
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsAndPredictions()
    {
        ProbabilisticEnsembleConfig config = Small with { Epochs = 3 };
        (ProbabilisticEnsemble first, _) = FitPendulum(config);
        (ProbabilisticEnsemble second, _) = FitPendulum(config);
        (ProbabilisticEnsemble other, _) = FitPendulum(config with { Seed = 8 });
        (ProbabilisticEnsemble parallel, _) = FitPendulum(config with { Threads = 2 });
        for (int e = 0; e < first.MemberCount; e++)
        {
            Assert.Equal(first.Member(e).FlattenParameters().ToFloatArray(), second.Member(e).FlattenParameters().ToFloatArray());
            Assert.Equal(first.Member(e).FlattenParameters().ToFloatArray(), parallel.Member(e).FlattenParameters().ToFloatArray());
        }
        Assert.NotEqual(first.Member(0).FlattenParameters().ToFloatArray(), other.Member(0).FlattenParameters().ToFloatArray());

        double[] Predict(ProbabilisticEnsemble model)
        {
            DynamicsWorkspace w = model.CreateWorkspace();
            var next = new double[2];
            model.Step(w, [0.1, 0.2], [0.3], next);
            var sampled = new double[6];
            var members = new int[3];
            var rng = new Rng(1);
            model.DrawElites(rng, members);
            model.SampleBatch(w, [0.1, 0.2, -1, 1, 2, 0], [0.3, -0.3, 0], members, rng, sampled);
            return [.. next, .. sampled];
        }
        Assert.Equal(Predict(first), Predict(second));
        Assert.NotEqual(Predict(first), Predict(other));
    }

    [Fact]
    public void EliteMeanRecoversTheMatricesOfALinearSystem()
    {
        LinearDynamics truth = LearnedTestData.Linear();
        Transitions data = LearnedTestData.Sample(truth, 1500, noise: 1e-3, seed: 12);
        var model = new ProbabilisticEnsemble(2, 1, truth.ControlBounds, new ProbabilisticEnsembleConfig
        {
            Members = 3, Elites = 2, Hidden = [16], Activation = Activation.Identity, Epochs = 40, BatchSize = 64, LearningRate = 3e-3, Seed = 5,
        });
        model.Fit(data.States, data.Controls, data.NextStates, data.Count);
        DynamicsWorkspace w = model.CreateWorkspace();
        var next = new double[2];
        var fx = new double[4];
        var fu = new double[2];
        model.Linearize(w, [0.2, -0.4], [0.1], next, fx, fu);
        for (int k = 0; k < 4; k++) Assert.True(Math.Abs(fx[k] - LearnedTestData.A[k]) < 1e-2, $"A[{k}]: expected {LearnedTestData.A[k]}, got {fx[k]}");
        for (int k = 0; k < 2; k++) Assert.True(Math.Abs(fu[k] - LearnedTestData.B[k]) < 1e-2, $"B[{k}]: expected {LearnedTestData.B[k]}, got {fu[k]}");
    }

    [Fact]
    public void JacobiansMatchCentralDifferencesOfStep()
    {
        (ProbabilisticEnsemble model, _) = FitPendulum(Small with { Epochs = 2, Precision = DType.Float64 });
        DynamicsWorkspace w = model.CreateWorkspace();
        double[] states = [0.3, -0.7, 2.0, 1.1], controls = [0.4, -0.6];
        var next = new double[4];
        var fx = new double[8];
        var fu = new double[4];
        model.LinearizeBatch(w, states, controls, next, fx, fu);
        const double h = 1e-6;
        var plus = new double[2];
        var minus = new double[2];
        for (int t = 0; t < 2; t++)
        {
            for (int j = 0; j < 3; j++)
            {
                double[] x = states[(2 * t)..(2 * t + 2)], u = [controls[t]];
                double[] xp = (double[])x.Clone(), xm = (double[])x.Clone(), up = (double[])u.Clone(), um = (double[])u.Clone();
                if (j < 2) { xp[j] += h; xm[j] -= h; } else { up[0] += h; um[0] -= h; }
                model.Step(w, xp, up, plus);
                model.Step(w, xm, um, minus);
                for (int i = 0; i < 2; i++)
                {
                    double fd = (plus[i] - minus[i]) / (2 * h);
                    double ad = j < 2 ? fx[t * 4 + i * 2 + j] : fu[t * 2 + i];
                    Assert.True(Math.Abs(fd - ad) < 1e-7, $"row {t}, d x'_{i} / d v_{j}: differences {fd}, autodiff {ad}");
                }
            }
        }
    }

    [Fact]
    public void SamplesFollowTheMemberGaussian()
    {
        ProbabilisticEnsemble model = Fitted.Value.Model;
        DynamicsWorkspace w = model.CreateWorkspace();
        int member = model.Elites[1];
        double[] x = [0.4, 0.6], u = [-0.5];
        var mean = new double[2];
        var variance = new double[2];
        model.PredictMember(w, member, x, u, mean, variance);

        const int P = 4000;
        var states = new double[P * 2];
        var controls = new double[P];
        var members = new int[P];
        for (int p = 0; p < P; p++) { x.CopyTo(states, 2 * p); controls[p] = u[0]; members[p] = member; }
        var next = new double[P * 2];
        model.SampleBatch(w, states, controls, members, new Rng(3), next);
        for (int i = 0; i < 2; i++)
        {
            double m = 0, s = 0;
            for (int p = 0; p < P; p++) m += next[2 * p + i] / P;
            for (int p = 0; p < P; p++) s += (next[2 * p + i] - m) * (next[2 * p + i] - m) / (P - 1);
            double sd = Math.Sqrt(variance[i]);
            Assert.True(Math.Abs(m - mean[i]) < 4 * sd / Math.Sqrt(P), $"dimension {i}: sample mean {m}, member mean {mean[i]}");
            Assert.True(Math.Abs(s / variance[i] - 1) < 0.1, $"dimension {i}: sample variance {s}, member variance {variance[i]}");
        }

        // Batched means over mixed members equal the single-row predictions.
        int[] mixed = [model.Elites[0], model.Elites[2], model.Elites[0]];
        double[] batchStates = [0.1, 0.2, -1, 1, 2, 0], batchControls = [0.3, -0.3, 0];
        var batchMean = new double[6];
        var batchVariance = new double[6];
        model.PredictBatch(w, batchStates, batchControls, mixed, batchMean, batchVariance);
        for (int p = 0; p < 3; p++)
        {
            model.PredictMember(w, mixed[p], batchStates.AsSpan(2 * p, 2), batchControls.AsSpan(p, 1), mean, variance);
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(mean[i], batchMean[2 * p + i], 12);
                Assert.Equal(variance[i], batchVariance[2 * p + i], 12);
            }
        }

        // DrawElites only draws elites.
        var drawn = new int[200];
        model.DrawElites(new Rng(4), drawn);
        Assert.All(drawn, e => Assert.Contains(e, model.Elites));
    }

    [Fact]
    public void AMembersTensorStepIsItsMeanPrediction()
    {
        (ProbabilisticEnsemble model, _) = FitPendulum(Small with { Epochs = 3 });
        DynamicsWorkspace w = model.CreateWorkspace();
        var mean = new double[2];
        var variance = new double[2];
        for (int e = 0; e < model.MemberCount; e++)
        {
            model.PredictMember(w, e, [0.3, -0.4], [0.2], mean, variance);
            double[] step = model.StepMember(Tensor.FromArray([0.3, -0.4], 1, 2), Tensor.FromArray([0.2], 1, 1), e).ToDoubleArray();
            Assert.Equal(mean[0], step[0], 5);
            Assert.Equal(mean[1], step[1], 5);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => model.StepMember(Tensor.FromArray([0.3, -0.4], 1, 2), Tensor.FromArray([0.2], 1, 1), model.MemberCount));
    }
}
