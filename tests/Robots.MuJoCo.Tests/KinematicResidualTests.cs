// The site and sensor residuals against positions computed by hand, and the cost gradients they give against
// the hand-differentiated ones; the tasks' residual costs on the tape (the form gradient learners use) against
// finite differences.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics;
using Control.Dynamics.Residuals;
using Control.Robots.MuJoCo.Residuals;
using Control.Tensors;

namespace Control.Robots.MuJoCo.Tests;

public sealed class KinematicResidualTests
{
    private static readonly MuJoCoModel CartPole = MuJoCoModel.FromXml(MuJoCoEnvs.EmbeddedModel("cartpole-swingup.xml"), "cartpole-swingup.xml");

    // The cart-pole's pole tip is at (x + sin theta, 0, cos theta) for the state (x, theta, xdot, thetadot).
    private static double[] Tip(double[] x) => [x[0] + Math.Sin(x[1]), 0, Math.Cos(x[1])];

    private static double[] RandomState(Random random) =>
        [random.NextDouble() * 4 - 2, random.NextDouble() * 8 - 4, random.NextDouble() - 0.5, random.NextDouble() - 0.5];

    [Fact]
    public void A_site_residual_is_the_sites_world_position_minus_the_target()
    {
        var dynamics = new MuJoCoDynamics(CartPole);
        SiteResidual tip = SiteResidual.ToPoint(dynamics, "tip", [0.5, -0.25], axes: [0, 2]);
        SiteResidual tipFromCart = SiteResidual.ToSite(dynamics, "tip", "cart");
        var random = new Random(3);
        var r = new double[2];
        var relative = new double[3];
        for (int trial = 0; trial < 20; trial++)
        {
            double[] x = RandomState(random);
            double[] expected = Tip(x);
            tip.Evaluate(x, [0.0], r);
            Assert.Equal(expected[0] - 0.5, r[0], 12);
            Assert.Equal(expected[2] + 0.25, r[1], 12);
            tipFromCart.Evaluate(x, [0.0], relative);
            Assert.Equal(Math.Sin(x[1]), relative[0], 12);
            Assert.Equal(0, relative[1], 12);
            Assert.Equal(Math.Cos(x[1]), relative[2], 12);
        }
    }

    [Fact]
    public void The_cost_of_a_site_residual_has_the_hand_differentiated_gradient()
    {
        // l = 1/2 |tip - target|^2 with d tip / d(x, theta) = [[1, cos theta], [0, 0], [0, -sin theta]].
        var dynamics = new MuJoCoDynamics(CartPole);
        double[] target = [0.3, 0.0, 0.8];
        var cost = new ResidualCost(SiteResidual.ToPoint(dynamics, "tip", target),
            [new ResidualTerm("tip", 0, 3, ResidualNorm.Quadratic, 1, 1)]);
        var d = new CostDerivatives(4, 1);
        var random = new Random(4);
        for (int trial = 0; trial < 10; trial++)
        {
            double[] x = RandomState(random);
            double[] p = Tip(x);
            double ex = p[0] - target[0], ez = p[2] - target[2];
            cost.StageDerivatives(x, [1.0], d);
            Assert.Equal(0.5 * (ex * ex + ez * ez + target[1] * target[1]), d.L, 12);
            Assert.Equal(ex, d.Lx[0], 7);
            Assert.Equal(ex * Math.Cos(x[1]) - ez * Math.Sin(x[1]), d.Lx[1], 7);
            Assert.Equal(0, d.Lx[2], 9);
            Assert.Equal(0, d.Lx[3], 9);
            Assert.Equal(0, d.Lu[0], 9);
        }
    }

    [Theory]
    [InlineData("mj-cartpole-swingup")]
    [InlineData("mj-reacher")]
    [InlineData("mj-acrobot-swingup")]
    public void A_tasks_residual_cost_on_the_tape_has_the_finite_difference_gradient(string name)
    {
        IModelEnv model = Envs.Make(name, seed: 1).Find<IModelEnv>()!;
        var cost = new DifferentiableCost(model.Cost);
        int n = model.StateSize, m = model.Cost.ControlSize;
        var random = new Random(6);
        for (int trial = 0; trial < 5; trial++)
        {
            double[] x = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
            double[] u = Enumerable.Range(0, m).Select(_ => random.NextDouble() - 0.5).ToArray();
            using var scope = TensorScope.Begin();
            Tensor xt = Tensor.FromArray(x, 1, n), ut = Tensor.FromArray(u, 1, m);
            xt.RequiresGrad = true;
            ut.RequiresGrad = true;
            Tensor[] grads = Autograd.Grad(cost.Stage(xt, ut).Sum(), [xt, ut]);
            Assert.Equal(model.Cost.Stage(x, u), cost.Stage(Tensor.FromArray(x, 1, n), Tensor.FromArray(u, 1, m)).ToDoubleArray()[0], 12);
            AssertCentralDifferences(v => model.Cost.Stage(v, u), x, grads[0].ToDoubleArray(), $"{name} dl/dx, trial {trial}");
            AssertCentralDifferences(v => model.Cost.Stage(x, v), u, grads[1].ToDoubleArray(), $"{name} dl/du, trial {trial}");
        }
    }

    private static void AssertCentralDifferences(Func<double[], double> f, double[] at, double[] gradient, string what)
    {
        const double h = 1e-6;
        for (int i = 0; i < at.Length; i++)
        {
            double[] plus = (double[])at.Clone(), minus = (double[])at.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (f(plus) - f(minus)) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-5 * (1 + Math.Abs(numeric)), $"{what}[{i}]: tape {gradient[i]}, central differences {numeric}");
        }
    }

    [Fact]
    public void A_sensor_residual_reads_the_sensor_after_mj_forward()
    {
        var dynamics = new MuJoCoDynamics(CartPole);
        var sensor = new SensorResidual(dynamics, "tip_pos", [0, 0, 1]);
        Assert.Equal(3, sensor.Size);
        var r = new double[3];
        var random = new Random(5);
        for (int trial = 0; trial < 10; trial++)
        {
            double[] x = RandomState(random);
            double[] expected = Tip(x);
            sensor.Evaluate(x, [0.0], r);
            Assert.Equal(expected[0], r[0], 12);
            Assert.Equal(expected[1], r[1], 12);
            Assert.Equal(expected[2] - 1, r[2], 12);
        }
    }

    [Fact]
    public void Kinematic_residuals_are_thread_safe()
    {
        var dynamics = new MuJoCoDynamics(CartPole);
        SiteResidual tip = SiteResidual.ToPoint(dynamics, "tip");
        var failures = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            double[] x = [0.001 * i, 0.003 * i, 0, 0];
            var r = new double[3];
            tip.Evaluate(x, [0.0], r);
            double[] expected = Tip(x);
            if (Math.Abs(r[0] - expected[0]) > 1e-12 || Math.Abs(r[2] - expected[2]) > 1e-12) Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Unknown_sites_sensors_and_bad_axes_are_typed_errors()
    {
        var dynamics = new MuJoCoDynamics(CartPole);
        Assert.Contains("no site named 'nose'", Assert.Throws<MuJoCoModelException>(() => SiteResidual.ToPoint(dynamics, "nose")).Message);
        Assert.Contains("no sensor named 'gyro'", Assert.Throws<MuJoCoModelException>(() => new SensorResidual(dynamics, "gyro")).Message);
        Assert.Contains("axes", Assert.Throws<ArgumentException>(() => SiteResidual.ToPoint(dynamics, "tip", axes: [0, 3])).Message);
        Assert.Contains("3 finite target entries", Assert.Throws<ArgumentException>(() => new SensorResidual(dynamics, "tip_pos", [1.0])).Message);
    }
}
