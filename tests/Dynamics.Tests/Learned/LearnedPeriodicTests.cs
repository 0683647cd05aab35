// Angle states wrapped at a learned model's input: a pendulum that has turned once is the same input as one that
// has not, and the wrap leaves the Jacobians exact (its derivative is one).
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Learned;
using Control.Tensors;

namespace Control.Dynamics.Tests.Learned;

public class LearnedPeriodicTests
{
    [Fact]
    public void AWrappedAngleGivesTheSamePredictionOneTurnLaterAndExactJacobians()
    {
        Transitions data = LearnedTestData.Pendulum(2000, seed: 3);
        var model = new MlpDynamics(2, 1, Box.Uniform(1, -1, 1),
            new MlpDynamicsConfig { Hidden = [32, 32], Epochs = 30, Seed = 1, Precision = DType.Float64, PeriodicStates = [0] });
        model.Fit(data.States, data.Controls, data.NextStates, data.Count);
        DynamicsWorkspace w = model.CreateWorkspace();
        var a = new double[2];
        var b = new double[2];
        model.Step(w, [0.7, 0.3], [0.2], a);
        model.Step(w, [0.7 + 2 * Math.PI, 0.3], [0.2], b);
        Assert.Equal(a[0] + 2 * Math.PI, b[0], 9);
        Assert.Equal(a[1], b[1], 9);

        // Jacobians at a state outside (-pi, pi] against central differences of Step.
        double[] x = [0.4 - 4 * Math.PI, -0.5], u = [0.1];
        var next = new double[2];
        var fx = new double[4];
        var fu = new double[2];
        model.Linearize(w, x, u, next, fx, fu);
        const double h = 1e-6;
        var plus = new double[2];
        var minus = new double[2];
        for (int j = 0; j < 2; j++)
        {
            double[] xp = [.. x], xm = [.. x];
            xp[j] += h;
            xm[j] -= h;
            model.Step(w, xp, u, plus);
            model.Step(w, xm, u, minus);
            for (int i = 0; i < 2; i++) Assert.Equal((plus[i] - minus[i]) / (2 * h), fx[i * 2 + j], 6);
        }

        // The differentiable (tensor) path wraps too: same next state as Step.
        Tensor tensorNext = model.Step(Tensor.FromArray(x, 1, 2), Tensor.FromArray(u, 1, 1));
        Assert.Equal(next[0], tensorNext.ToDoubleArray()[0], 9);
        Assert.Equal(next[1], tensorNext.ToDoubleArray()[1], 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MlpDynamics(2, 1, Box.Uniform(1, -1, 1), new MlpDynamicsConfig { PeriodicStates = [2] }));
    }
}
