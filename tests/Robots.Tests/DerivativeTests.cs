// Every robot's analytic Jacobians and cost derivatives against central finite differences (double
// precision) at many random states and controls, inside the region where the model is smooth.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Analytic;
using Control.Robots.Analytic;

namespace Control.Robots.Tests;

public class DerivativeTests
{
    public static TheoryData<string> ModelEnvs => new()
    {
        "pendulum", "cartpole", "cartpole-swingup", "acrobot", "acrobot-swingup", "mountaincar-continuous",
        "double-integrator", "quadrotor2d", "reacher2d",
    };

    // Random (x, u) away from the model's kinks (clips, angle wraps, walls), where derivatives exist.
    private static (double[] X, double[] U) SmoothPoint(string name, Rng rng)
    {
        double U(double lo, double hi) => rng.Uniform(lo, hi);
        return name switch
        {
            "pendulum" => ([U(-6, 6), U(-5, 5)], [U(-1.9, 1.9)]),
            "cartpole" => ([U(-2, 2), U(-2, 2), U(-0.5, 0.5), U(-2, 2)], [U(-9.5, 9.5)]),
            "cartpole-swingup" => ([U(-2, 2), U(-2, 2), U(-4, 4), U(-4, 4)], [U(-9.5, 9.5)]),
            "acrobot" => ([U(-1.5, 1.5), U(-1.5, 1.5), U(-0.5, 0.5), U(-0.5, 0.5)], [U(-0.9, 0.9)]),
            "acrobot-swingup" => ([U(-2.5, 2.5), U(-2.5, 2.5), U(-2, 2), U(-2, 2)], [U(-3.5, 3.5)]),
            "mountaincar-continuous" => ([U(-1.0, 0.4), U(-0.05, 0.05)], [U(-0.9, 0.9)]),
            "double-integrator" => ([U(-3, 3), U(-3, 3)], [U(-0.9, 0.9)]),
            "quadrotor2d" => ([U(-2, 2), U(-2, 2), U(-1.5, 1.5), U(-2, 2), U(-2, 2), U(-3, 3)], [U(0.5, 9), U(0.5, 9)]),
            "reacher2d" => ([U(-3, 3), U(-3, 3), U(-3, 3), U(-3, 3), U(-0.9, 0.9), U(-0.9, 0.9)], [U(-1.9, 1.9), U(-1.9, 1.9)]),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(ModelEnvs))]
    public void JacobiansEqualCentralDifferences(string name)
    {
        IModelEnv env = Envs.Make(name).Find<IModelEnv>()!;
        IDynamics f = env.Dynamics;
        int n = f.StateSize, m = f.ControlSize;
        var rng = new Rng(17);
        var next = new double[n];
        var stepped = new double[n];
        var fx = new double[n * n];
        var fu = new double[n * m];
        var fxNumeric = new double[n * n];
        var fuNumeric = new double[n * m];
        DynamicsWorkspace ws = f.CreateWorkspace();
        for (int trial = 0; trial < 50; trial++)
        {
            (double[] x, double[] u) = SmoothPoint(name, rng);
            f.Linearize(ws, x, u, next, fx, fu);
            f.Step(ws, x, u, stepped);
            Assert.Equal(stepped, next);
            FiniteDifferences.Linearize(f, x, u, fxNumeric, fuNumeric);
            AssertClose(fxNumeric, fx, 1e-6, $"{name} Fx at x=[{string.Join(", ", x)}], u=[{string.Join(", ", u)}]");
            AssertClose(fuNumeric, fu, 1e-6, $"{name} Fu at x=[{string.Join(", ", x)}], u=[{string.Join(", ", u)}]");
        }
    }

    [Theory]
    [MemberData(nameof(ModelEnvs))]
    public void CostDerivativesEqualCentralDifferences(string name)
    {
        ICost cost = Envs.Make(name).Find<IModelEnv>()!.Cost;
        int n = cost.StateSize, m = cost.ControlSize;
        var rng = new Rng(23);
        var d = new CostDerivatives(n, m);
        var gradient = new double[n + m];
        var hessian = new double[(n + m) * (n + m)];
        for (int trial = 0; trial < 30; trial++)
        {
            (double[] x, double[] u) = SmoothPoint(name, rng);
            double[] z = [.. x, .. u];
            double Stage(double[] p) => cost.Stage(p.AsSpan(0, n), p.AsSpan(n, m));
            cost.StageDerivatives(x, u, d);
            Assert.Equal(cost.Stage(x, u), d.L, 12);
            FiniteDifferences.Gradient(Stage, z, gradient);
            FiniteDifferences.Hessian(Stage, z, hessian);
            string at = $"{name} at z=[{string.Join(", ", z)}]";
            AssertClose(gradient.AsSpan(0, n), d.Lx, 1e-6, "Lx " + at);
            AssertClose(gradient.AsSpan(n, m), d.Lu, 1e-6, "Lu " + at);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    AssertClose(hessian[i * (n + m) + j], d.Lxx[i * n + j], 1e-5, $"Lxx[{i},{j}] " + at);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < m; j++)
                    AssertClose(hessian[(n + i) * (n + m) + n + j], d.Luu[i * m + j], 1e-5, $"Luu[{i},{j}] " + at);
                for (int j = 0; j < n; j++)
                    AssertClose(hessian[(n + i) * (n + m) + j], d.Lux[i * n + j], 1e-5, $"Lux[{i},{j}] " + at);
            }

            double Terminal(double[] p) => cost.Terminal(p);
            cost.TerminalDerivatives(x, d);
            Assert.Equal(cost.Terminal(x), d.L, 12);
            var tg = new double[n];
            var th = new double[n * n];
            FiniteDifferences.Gradient(Terminal, x, tg);
            FiniteDifferences.Hessian(Terminal, x, th);
            AssertClose(tg, d.Lx, 1e-6, "terminal Lx " + at);
            AssertClose(th, d.Lxx, 1e-5, "terminal Lxx " + at);
            Assert.All(d.Lu, v => Assert.Equal(0.0, v));
        }
    }

    [Fact]
    public void SaturatedControlHasZeroDerivative()
    {
        IDynamics f = Envs.Make("pendulum").Find<IModelEnv>()!.Dynamics;
        var fx = new double[4];
        var fu = new double[2];
        f.Linearize(f.CreateWorkspace(), [0.3, 0.0], [5.0], new double[2], fx, fu);
        Assert.Equal([0.0, 0.0], fu);
    }

    [Fact]
    public void DoubleIntegratorJacobiansAreItsClosedForm()
    {
        IDynamics f = new DoubleIntegratorEnv().Dynamics;
        var fx = new double[4];
        var fu = new double[2];
        f.Linearize(f.CreateWorkspace(), [0.4, -0.2], [0.3], new double[2], fx, fu);
        Assert.Equal([1.0, 0.1, 0.0, 1.0], fx);
        Assert.Equal(0.005, fu[0], 15);
        Assert.Equal(0.1, fu[1], 15);
    }

    internal static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], tolerance, $"{what} [{i}]");
    }

    internal static void AssertClose(double expected, double actual, double tolerance, string what)
    {
        double error = Math.Abs(expected - actual);
        Assert.True(error <= tolerance * (1 + Math.Abs(expected)),
            $"{what}: finite differences {expected:R}, analytic {actual:R}, error {error:E2}");
    }

    [Theory]
    [MemberData(nameof(ModelEnvs))]
    public void ClosedFormCostDerivativesEqualSecondOrderDuals(string name)
    {
        ICost cost = Envs.Make(name).Find<IModelEnv>()!.Cost;
        Type terms = cost.GetType().GetGenericArguments()[0];
        var reference = typeof(DerivativeTests).GetMethod(nameof(DualReference), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(terms);
        var rng = new Rng(11);
        int n = cost.StateSize, m = cost.ControlSize;
        var fast = new CostDerivatives(n, m);
        var exact = new CostDerivatives(n, m);
        for (int trial = 0; trial < 50; trial++)
        {
            (double[] x, double[] u) = SmoothPoint(name, rng);
            cost.StageDerivatives(x, u, fast);
            reference.Invoke(null, [cost, x, u, exact]);
            AssertSame(name, fast, exact);
            Assert.Equal(cost.Stage(x, u), fast.L, 12);
            cost.TerminalDerivatives(x, fast);
            reference.Invoke(null, [cost, x, null, exact]);
            AssertSame(name, fast, exact);
            Assert.Equal(cost.Terminal(x), fast.L, 12);
        }
    }

    private static void DualReference<TTerms>(ICost cost, double[] x, double[]? u, CostDerivatives d) where TTerms : struct, ICostTerms
    {
        var analytic = (AnalyticCost<TTerms>)cost;
        if (u is null) analytic.DualTerminalDerivatives(x, d);
        else analytic.DualStageDerivatives(x, u, d);
    }

    private static void AssertSame(string name, CostDerivatives a, CostDerivatives b)
    {
        Assert.Equal(b.L, a.L, 12);
        foreach ((double[] p, double[] q, string what) in new[] { (a.Lx, b.Lx, "Lx"), (a.Lu, b.Lu, "Lu"), (a.Lxx, b.Lxx, "Lxx"), (a.Luu, b.Luu, "Luu"), (a.Lux, b.Lux, "Lux") })
        {
            for (int i = 0; i < p.Length; i++)
                Assert.True(Math.Abs(p[i] - q[i]) <= 1e-12 * (1 + Math.Abs(q[i])), $"{name} {what}[{i}]: closed form {p[i]}, duals {q[i]}");
        }
    }
}
