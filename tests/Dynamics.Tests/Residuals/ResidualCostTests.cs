using Control.Core.Models;
using Control.Dynamics.Analytic;
using Control.Dynamics.Residuals;
using Control.Planning;
using Control.Planning.IterativeLqr;
using Control.Robots.Analytic;

namespace Control.Dynamics.Tests.Residuals;

public class ResidualCostTests
{
    private static readonly EuclideanStateSpace Space3 = new(3);

    // A nonlinear residual on n = 3, m = 2 with entries coupling x and u.
    private static FunctionResidual Nonlinear() => new(Space3, 2, 4, (x, u, r) =>
    {
        r[0] = Math.Sin(x[0]) * x[1] + u[0];
        r[1] = x[2] * x[2] - u[1] * x[0];
        r[2] = u[0] * u[1] + 0.3 * x[1];
        r[3] = x[0] + 2 * x[1] - x[2];
    });

    private static ResidualTerm[] NonlinearTerms() =>
    [
        new("pair", 0, 2, ResidualNorm.SmoothL2(0.3), 1.5, 4.0),
        new("product", 2, 1, ResidualNorm.Quadratic, 0.7, 0.0),
        new("line", 3, 1, ResidualNorm.SmoothAbs(0.2), 2.0, 1.0),
    ];

    private static (double[] X, double[] U) Point(Random random, int n = 3, int m = 2) =>
        ([.. Enumerable.Range(0, n).Select(_ => 2 * random.NextDouble() - 1)],
         [.. Enumerable.Range(0, m).Select(_ => 2 * random.NextDouble() - 1)]);

    [Fact]
    public void ValueIsTheSumOfWeightedNorms()
    {
        var cost = new ResidualCost(Nonlinear(), NonlinearTerms());
        var random = new Random(1);
        for (int trial = 0; trial < 10; trial++)
        {
            (double[] x, double[] u) = Point(random);
            var r = new double[4];
            Nonlinear().Evaluate(x, u, r);
            double stage = 1.5 * (Math.Sqrt(r[0] * r[0] + r[1] * r[1] + 0.09) - 0.3) + 0.7 * 0.5 * r[2] * r[2]
                           + 2.0 * (Math.Sqrt(r[3] * r[3] + 0.04) - 0.2);
            Assert.Equal(stage, cost.Stage(x, u), 13);

            Nonlinear().Evaluate(x, [0, 0], r);
            double terminal = 4.0 * (Math.Sqrt(r[0] * r[0] + r[1] * r[1] + 0.09) - 0.3) + 1.0 * (Math.Sqrt(r[3] * r[3] + 0.04) - 0.2);
            Assert.Equal(terminal, cost.Terminal(x), 13);

            var d = new CostDerivatives(3, 2);
            cost.StageDerivatives(x, u, d);
            Assert.Equal(stage, d.L, 13);
            cost.TerminalDerivatives(x, d);
            Assert.Equal(terminal, d.L, 13);
        }
    }

    [Fact]
    public void GradientsMatchCentralDifferencesOfStageAndTerminal()
    {
        var cost = new ResidualCost(Nonlinear(), NonlinearTerms());
        var random = new Random(2);
        var d = new CostDerivatives(3, 2);
        const double h = 1e-5;
        for (int trial = 0; trial < 10; trial++)
        {
            (double[] x, double[] u) = Point(random);
            cost.StageDerivatives(x, u, d);
            for (int j = 0; j < 3; j++)
                Assert.Equal(Central(e => cost.Stage(Moved(x, j, e), u), h), d.Lx[j], 6);
            for (int j = 0; j < 2; j++)
                Assert.Equal(Central(e => cost.Stage(x, Moved(u, j, e)), h), d.Lu[j], 6);
            cost.TerminalDerivatives(x, d);
            for (int j = 0; j < 3; j++)
                Assert.Equal(Central(e => cost.Terminal(Moved(x, j, e)), h), d.Lx[j], 6);
            Assert.All(d.Lu, v => Assert.Equal(0, v));
            Assert.All(d.Luu, v => Assert.Equal(0, v));
            Assert.All(d.Lux, v => Assert.Equal(0, v));
        }
    }

    [Fact]
    public void HessiansAreGaussNewtonAndPositiveSemidefinite()
    {
        FunctionResidual residual = Nonlinear();
        ResidualTerm[] terms = NonlinearTerms();
        var cost = new ResidualCost(residual, terms);
        var random = new Random(4);
        var d = new CostDerivatives(3, 2);
        for (int trial = 0; trial < 10; trial++)
        {
            (double[] x, double[] u) = Point(random);
            cost.StageDerivatives(x, u, d);

            // Rx, Ru by differences of the residual (independent of the cost's own), H per term from the norm.
            var rx = new double[4, 3];
            var ru = new double[4, 2];
            for (int j = 0; j < 3; j++) ColumnByDifferences(residual, Moved(x, j, 1e-6), Moved(x, j, -1e-6), u, u, rx, j);
            for (int j = 0; j < 2; j++) ColumnByDifferences(residual, x, x, Moved(u, j, 1e-6), Moved(u, j, -1e-6), ru, j);
            var r = new double[4];
            residual.Evaluate(x, u, r);
            var big = new double[4, 4];
            foreach (ResidualTerm term in terms)
            {
                var h = new double[term.Size * term.Size];
                term.Norm.Hessian(r.AsSpan(term.Start, term.Size), h);
                for (int a = 0; a < term.Size; a++)
                    for (int b = 0; b < term.Size; b++) big[term.Start + a, term.Start + b] = term.Weight * h[a * term.Size + b];
            }
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) Assert.Equal(Form(rx, big, rx, i, j), d.Lxx[i * 3 + j], 7);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) Assert.Equal(Form(ru, big, ru, i, j), d.Luu[i * 2 + j], 7);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++) Assert.Equal(Form(ru, big, rx, i, j), d.Lux[i * 3 + j], 7);

            // The joint Hessian [[Lxx, Lxu], [Lux, Luu]] is PSD: v'Hv >= 0 along random directions.
            for (int probe = 0; probe < 20; probe++)
            {
                double[] vx = [.. Enumerable.Range(0, 3).Select(_ => random.NextDouble() - 0.5)];
                double[] vu = [.. Enumerable.Range(0, 2).Select(_ => random.NextDouble() - 0.5)];
                double form = 0;
                for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) form += vx[i] * d.Lxx[i * 3 + j] * vx[j];
                for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) form += vu[i] * d.Luu[i * 2 + j] * vu[j];
                for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) form += 2 * vu[i] * d.Lux[i * 3 + j] * vx[j];
                Assert.True(form >= -1e-12, $"v'Hv = {form}");
            }
        }
    }

    [Fact]
    public void ClosedFormJacobiansGiveTheSameDerivativesAsDifferences()
    {
        var space = new EuclideanStateSpace(4);
        var stack = new ResidualStack(
            new StateResidual(space, 2, [0, 2], [0.5, -1]),
            new ControlResidual(space, 2, target: [0.1, 0.2]));
        var function = new FunctionResidual(space, 2, 4, (x, u, r) =>
        {
            r[0] = x[0] - 0.5;
            r[1] = x[2] + 1;
            r[2] = u[0] - 0.1;
            r[3] = u[1] - 0.2;
        });
        ResidualTerm[] terms =
        [
            new("state", 0, 2, ResidualNorm.SmoothL2(0.1), 3, 5),
            new("control", stack.Offset(1), 2, ResidualNorm.Quadratic, 0.5, 0),
        ];
        var exact = new ResidualCost(stack, terms);
        var numeric = new ResidualCost(function, terms);
        var de = new CostDerivatives(4, 2);
        var dn = new CostDerivatives(4, 2);
        var random = new Random(5);
        for (int trial = 0; trial < 5; trial++)
        {
            (double[] x, double[] u) = Point(random, 4, 2);
            exact.StageDerivatives(x, u, de);
            numeric.StageDerivatives(x, u, dn);
            Assert.Equal(dn.L, de.L, 14);
            AssertClose(dn.Lx, de.Lx, 1e-8);
            AssertClose(dn.Lu, de.Lu, 1e-8);
            AssertClose(dn.Lxx, de.Lxx, 1e-7);
            AssertClose(dn.Luu, de.Luu, 1e-7);
            AssertClose(dn.Lux, de.Lux, 1e-7);
        }
    }

    [Fact]
    public void OnAManifoldTheDerivativesAreInTangentCoordinates()
    {
        var space = new CircleStateSpace();
        // Pull the angle to pi/3 through its unit vector and w to 0.5; the control to zero.
        var residual = new FunctionResidual(space, 1, 4, (x, u, r) =>
        {
            r[0] = x[0] - 0.5;
            r[1] = x[1] - Math.Sqrt(3) / 2;
            r[2] = x[2] - 0.5 + 0.1 * u[0] * x[0];
            r[3] = u[0];
        });
        var cost = new ResidualCost(residual,
        [
            new ResidualTerm("heading", 0, 2, ResidualNorm.SmoothL2(0.2), 2, 3),
            new ResidualTerm("w", 2, 1, ResidualNorm.Quadratic, 1, 1),
            new ResidualTerm("effort", 3, 1, ResidualNorm.Quadratic, 0.1, 0),
        ]);
        Assert.Same(space, cost.StateSpace);
        var d = new CostDerivatives(2, 1);
        foreach (double angle in new[] { -2.0, 0.3, 1.0, 2.9 })
        {
            double[] x = [Math.Cos(angle), Math.Sin(angle), 0.2], u = [0.7];
            cost.StageDerivatives(x, u, d);
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(Central(e => cost.Stage(Along(space, x, j, e), u), 1e-5), d.Lx[j], 6);
            }
            Assert.Equal(Central(e => cost.Stage(x, [0.7 + e]), 1e-5), d.Lu[0], 6);
            cost.TerminalDerivatives(x, d);
            for (int j = 0; j < 2; j++) Assert.Equal(Central(e => cost.Terminal(Along(space, x, j, e)), 1e-5), d.Lx[j], 6);
        }
        Assert.Throws<ArgumentException>(() => cost.StageDerivatives([1, 0, 0], [0], new CostDerivatives(3, 1)));
    }

    // The analytic swing-up cost UprightWeight (1 - cos theta) + PositionWeight x^2 + VelocityWeight (xdot^2 +
    // thetadot^2) + ControlWeight u^2, terminal 10x the state part, as residual terms with the quadratic norm
    // (1/2 w r^2): 1 - cos theta = 1/2 (2 sin(theta / 2))^2, and x^2 = 1/2 (2 x^2) and so on.
    public static ResidualCost CartPoleSwingUpAsResiduals()
    {
        var space = new EuclideanStateSpace(4);
        var analytic = new CartPoleSwingUpCost();
        var stack = new ResidualStack(
            new FunctionResidual(space, 1, 1, (x, u, r) => r[0] = 2 * Math.Sin(x[2] / 2)),
            new StateResidual(space, 1, [0]),
            new StateResidual(space, 1, [1, 3]),
            new ControlResidual(space, 1));
        double scale = analytic.TerminalScale;
        return new ResidualCost(stack,
        [
            new ResidualTerm("upright", stack.Offset(0), 1, ResidualNorm.Quadratic, analytic.UprightWeight, scale * analytic.UprightWeight),
            new ResidualTerm("centre", stack.Offset(1), 1, ResidualNorm.Quadratic, 2 * analytic.PositionWeight, scale * 2 * analytic.PositionWeight),
            new ResidualTerm("velocity", stack.Offset(2), 2, ResidualNorm.Quadratic, 2 * analytic.VelocityWeight, scale * 2 * analytic.VelocityWeight),
            new ResidualTerm("control", stack.Offset(3), 1, ResidualNorm.Quadratic, 2 * analytic.ControlWeight, 0),
        ], new ResidualCostConfig { Name = "cartpole-swingup residuals" });
    }

    [Fact]
    public void TheCartPoleSwingUpCostAsResidualsHasTheAnalyticValuesAndGradients()
    {
        ResidualCost cost = CartPoleSwingUpAsResiduals();
        var analytic = new AnalyticCost<CartPoleSwingUpCost>(new CartPoleSwingUpCost());
        var random = new Random(6);
        var d = new CostDerivatives(4, 1);
        var da = new CostDerivatives(4, 1);
        for (int trial = 0; trial < 20; trial++)
        {
            (double[] x, double[] u) = Point(random, 4, 1);
            x[2] *= 4;
            u[0] *= 10;
            Assert.Equal(analytic.Stage(x, u), cost.Stage(x, u), 12);
            Assert.Equal(analytic.Terminal(x), cost.Terminal(x), 12);
            cost.StageDerivatives(x, u, d);
            analytic.StageDerivatives(x, u, da);
            AssertClose(da.Lx, d.Lx, 1e-8);
            AssertClose(da.Lu, d.Lu, 1e-8);
            AssertClose(da.Luu, d.Luu, 1e-7);
            // The stack holds a function part, so its Jacobians are central differences (error ~1e-10). Gauss-Newton keeps
            // the exact Hessian where the residual is linear; for the upright term it has
            // cos^2(theta / 2) >= 0 where the exact 1/2 cos(theta) turns negative.
            Assert.Equal(Math.Cos(x[2] / 2) * Math.Cos(x[2] / 2), d.Lxx[10], 7);
            Assert.Equal(da.Lxx[0], d.Lxx[0], 7);
            Assert.Equal(da.Lxx[5], d.Lxx[5], 7);
        }
    }

    // The acrobot's tip depth 2 + cos t1 + cos(t1 + t2) = 1/2 (2 cos(t1 / 2))^2 + 1/2 (2 cos((t1 + t2) / 2))^2, the
    // form the MuJoCo acrobot-swingup task uses (src/Robots.MuJoCo/Models/README.md).
    [Fact]
    public void TheAcrobotCostAsResidualsHasTheAnalyticValues()
    {
        var space = new EuclideanStateSpace(4);
        var analytic = new AcrobotCost();
        var stack = new ResidualStack(
            new FunctionResidual(space, 1, 2, (x, u, r) =>
            {
                r[0] = 2 * Math.Cos(x[0] / 2);
                r[1] = 2 * Math.Cos((x[0] + x[1]) / 2);
            }),
            new StateResidual(space, 1, [2, 3]),
            new ControlResidual(space, 1));
        double scale = analytic.TerminalScale;
        var cost = new ResidualCost(stack,
        [
            new ResidualTerm("upright", 0, 2, ResidualNorm.Quadratic, analytic.UprightWeight, scale * analytic.UprightWeight),
            new ResidualTerm("velocity", 2, 2, ResidualNorm.Quadratic, 2 * analytic.VelocityWeight, scale * 2 * analytic.VelocityWeight),
            new ResidualTerm("control", 4, 1, ResidualNorm.Quadratic, 2 * analytic.ControlWeight, 0),
        ]);
        var reference = new AnalyticCost<AcrobotCost>(analytic);
        var random = new Random(8);
        for (int trial = 0; trial < 20; trial++)
        {
            (double[] x, double[] u) = Point(random, 4, 1);
            x[0] *= 7;
            x[1] *= 7;
            Assert.Equal(reference.Stage(x, u), cost.Stage(x, u), 12);
            Assert.Equal(reference.Terminal(x), cost.Terminal(x), 12);
        }
    }

    [Fact]
    public void IlqrWithTheResidualCostSwingsTheCartPoleUp()
    {
        var dynamics = new AnalyticDynamics<CartPoleSwingUpEquations>(new CartPoleSwingUpEquations());
        var planner = new Ilqr(dynamics, CartPoleSwingUpAsResiduals(), new IlqrConfig { Horizon = 100, MaxIterations = 200, ColdStages = 3 });
        PlanResult result = planner.Plan([0.02, -0.01, Math.PI - 0.03, 0.01]);
        var env = new CartPoleSwingUpEnv();
        for (int t = 80; t <= 100; t++)
        {
            ReadOnlySpan<double> x = result.Trajectory.State(t);
            Assert.True(env.AtGoal(x), $"not upright at step {t}: ({string.Join(", ", x.ToArray().Select(v => v.ToString("F3")))})");
        }
        Assert.All(result.Trajectory.Controls, u => Assert.InRange(u, -10, 10));
    }

    [Fact]
    public void BadInputThrowsTypedErrorsNamingTheTerm()
    {
        FunctionResidual residual = Nonlinear();
        InvalidResidualTermException negative = Assert.Throws<InvalidResidualTermException>(() => new ResidualCost(residual,
            [new ResidualTerm("pair", 0, 2, ResidualNorm.Quadratic, -1, 0)]));
        Assert.Equal("pair", negative.TermName);
        Assert.Contains("'pair'", negative.Message);
        Assert.Equal("tail", Assert.Throws<InvalidResidualTermException>(() => new ResidualCost(residual,
            [new ResidualTerm("tail", 3, 2, ResidualNorm.Quadratic, 1, 0)])).TermName);
        Assert.Equal("end", Assert.Throws<InvalidResidualTermException>(() => new ResidualCost(residual,
            [new ResidualTerm("end", 0, 1, ResidualNorm.Quadratic, 1, double.NaN)])).TermName);
        Assert.Equal("twice", Assert.Throws<InvalidResidualTermException>(() => new ResidualCost(residual,
            [new ResidualTerm("twice", 0, 1, ResidualNorm.Quadratic, 1, 0), new ResidualTerm("twice", 1, 1, ResidualNorm.Quadratic, 1, 0)])).TermName);
        Assert.Throws<ArgumentException>(() => new ResidualCost(residual, []));

        var cost = new ResidualCost(residual, NonlinearTerms());
        Assert.Contains("expected x of length 3, got length 2", Assert.Throws<ArgumentException>(() => cost.Stage([1, 2], [0, 0])).Message);
        Assert.Throws<ArgumentException>(() => cost.Stage([1, 2, 3], [0]));
        Assert.Throws<ArgumentException>(() => cost.Terminal([1, 2, 3, 4]));
        Assert.Throws<ArgumentException>(() => cost.StageDerivatives([1, 2, 3], [0, 0], new CostDerivatives(3, 1)));

        // A NaN in the slice of "line" (entry 3) but not in the others.
        var poisoned = new FunctionResidual(Space3, 2, 4, (x, u, r) =>
        {
            r[0] = x[0];
            r[1] = x[1];
            r[2] = u[0];
            r[3] = x[2] > 1 ? double.NaN : x[2];
        });
        var poisonedCost = new ResidualCost(poisoned, NonlinearTerms());
        NonFiniteResidualException nan = Assert.Throws<NonFiniteResidualException>(() => poisonedCost.Stage([0, 0, 2], [0, 0]));
        Assert.Equal("line", nan.TermName);
        Assert.Equal(3, nan.Index);
        Assert.Contains("'line'", nan.Message);
        Assert.Equal("line", Assert.Throws<NonFiniteResidualException>(() => poisonedCost.StageDerivatives([0, 0, 2], [0, 0], new CostDerivatives(3, 2))).TermName);
        // Only the differences cross into NaN: the Jacobian row is reported.
        NonFiniteResidualException row = Assert.Throws<NonFiniteResidualException>(
            () => poisonedCost.TerminalDerivatives([0, 0, 1], new CostDerivatives(3, 2)));
        Assert.Equal("line", row.TermName);
        Assert.Contains("Jacobian", row.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => new StateResidual(Space3, 2, [0, 3]));
        Assert.Throws<ArgumentException>(() => new StateResidual(Space3, 2, [0, 1], [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlResidual(Space3, 2, [2]));
        Assert.Throws<ArgumentException>(() => new ResidualStack(new StateResidual(Space3, 2, [0]), new ControlResidual(Space3, 1)));
    }

    [Fact]
    public void ParallelCallsAgreeWithSerialOnesAndWarmCallsDoNotAllocate()
    {
        var cost = new ResidualCost(Nonlinear(), NonlinearTerms());
        var random = new Random(7);
        var points = Enumerable.Range(0, 64).Select(_ => Point(random)).ToArray();
        double[][] serial = [.. points.Select(p => Derivatives(cost, p.X, p.U))];
        var parallel = new double[points.Length][];
        Parallel.For(0, points.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Derivatives(cost, points[i].X, points[i].U));
        for (int i = 0; i < points.Length; i++) Assert.Equal(serial[i], parallel[i]);

        var d = new CostDerivatives(3, 2);
        double[] x = points[0].X, u = points[0].U;
        cost.StageDerivatives(x, u, d);
        cost.TerminalDerivatives(x, d);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            cost.StageDerivatives(x, u, d);
            cost.TerminalDerivatives(x, d);
            cost.Stage(x, u);
            cost.Terminal(x);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static double[] Derivatives(ResidualCost cost, double[] x, double[] u)
    {
        var d = new CostDerivatives(3, 2);
        cost.StageDerivatives(x, u, d);
        return [d.L, .. d.Lx, .. d.Lu, .. d.Lxx, .. d.Luu, .. d.Lux];
    }

    private static double Central(Func<double, double> f, double h) => (f(h) - f(-h)) / (2 * h);

    private static double[] Moved(double[] v, int j, double e)
    {
        var moved = (double[])v.Clone();
        moved[j] += e;
        return moved;
    }

    private static double[] Along(IStateSpace space, double[] x, int j, double e)
    {
        var dx = new double[space.TangentSize];
        dx[j] = e;
        var result = new double[space.Size];
        space.Integrate(x, dx, result);
        return result;
    }

    private static void ColumnByDifferences(IResidual residual, double[] xPlus, double[] xMinus, double[] uPlus, double[] uMinus, double[,] jacobian, int j)
    {
        var rPlus = new double[residual.Size];
        var rMinus = new double[residual.Size];
        residual.Evaluate(xPlus, uPlus, rPlus);
        residual.Evaluate(xMinus, uMinus, rMinus);
        for (int a = 0; a < residual.Size; a++) jacobian[a, j] = (rPlus[a] - rMinus[a]) / 2e-6;
    }

    // (A' H B)[i, j].
    private static double Form(double[,] a, double[,] h, double[,] b, int i, int j)
    {
        double s = 0;
        for (int p = 0; p < h.GetLength(0); p++)
            for (int q = 0; q < h.GetLength(1); q++) s += a[p, i] * h[p, q] * b[q, j];
        return s;
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
