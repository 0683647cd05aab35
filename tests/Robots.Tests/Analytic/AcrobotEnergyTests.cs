// The acrobot's energy against the physics it comes from (conserved without torque, changed by exactly the elbow
// torque's work), and the energy-shaped planning cost against the task cost and central differences.
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Analytic;
using Control.Robots.Analytic;

namespace Control.Robots.Tests.Analytic;

public class AcrobotEnergyTests
{
    private static readonly AcrobotPhysics Physics = AcrobotSwingUpEnv.DefaultEquations.Physics;

    private static double EnergyOf(double[] x) => Physics.Energy<Real>(Array.ConvertAll(x, v => new Real(v))).Value;

    // RK4 of the continuous equations with a fine step, and the trapezoid sum of the torque's power tau dtheta2 on the way.
    private static (double[] X, double Work) Integrate(double[] x0, double torque, double seconds, double step)
    {
        Real[] x = Array.ConvertAll(x0, v => new Real(v));
        var next = new Real[4];
        double work = 0;
        int steps = (int)Math.Round(seconds / step);
        for (int k = 0; k < steps; k++)
        {
            double before = x[3].Value;
            Control.Dynamics.Analytic.Integrate.RungeKutta4<Real, AcrobotPhysics>(Physics, x, [new Real(torque)], step, next);
            work += 0.5 * step * torque * (before + next[3].Value);
            next.CopyTo(x, 0);
        }
        return (Array.ConvertAll(x, v => v.Value), work);
    }

    [Fact]
    public void EnergyIsConservedWithoutTorqueAndChangedByTheElbowTorquesWork()
    {
        var rng = new Rng(5);
        for (int trial = 0; trial < 10; trial++)
        {
            double[] x0 = [rng.Uniform(-3, 3), rng.Uniform(-3, 3), rng.Uniform(-3, 3), rng.Uniform(-3, 3)];
            double e0 = EnergyOf(x0);

            (double[] free, _) = Integrate(x0, 0, 2.0, 1e-3);
            double freeEnergy = EnergyOf(free);
            Assert.True(Math.Abs(freeEnergy - e0) < 1e-8 * (1 + Math.Abs(e0)), $"unforced energy {e0:R} -> {freeEnergy:R} from [{string.Join(", ", x0)}]");

            double torque = rng.Uniform(-4, 4);
            (double[] forced, double work) = Integrate(x0, torque, 1.0, 1e-3);
            double forcedEnergy = EnergyOf(forced);
            Assert.True(Math.Abs(forcedEnergy - e0 - work) < 1e-5 * (1 + Math.Abs(work)),
                $"energy change {forcedEnergy - e0:R} against the torque's work {work:R} (torque {torque}) from [{string.Join(", ", x0)}]");
        }
    }

    [Fact]
    public void UprightAtRestHasTheUprightEnergyAndTheShapedCostIsTheTasksThere()
    {
        double[] upright = [Math.PI, 0, 0, 0];
        Assert.Equal(19.6, Physics.UprightEnergy, 12);
        Assert.Equal(Physics.UprightEnergy, EnergyOf(upright), 12);
        Assert.Equal(-Physics.UprightEnergy, EnergyOf([0, 0, 0, 0]), 12);

        var task = new AnalyticCost<AcrobotCost>(new AcrobotCost { Name = "acrobot-swingup" });
        ICost shaped = AcrobotSwingUpEnv.EnergyShapedCost();
        Assert.Equal(task.Stage(upright, [0.7]), shaped.Stage(upright, [0.7]), 12);
        Assert.Equal(task.Terminal(upright), shaped.Terminal(upright), 12);

        // hanging at rest: 2 E_top below upright, the shaping weight times its square (times 10 at the end)
        double[] hanging = [0, 0, 0, 0];
        double gap = 2 * Physics.UprightEnergy;
        Assert.Equal(task.Stage(hanging, [0]) + 0.03 * gap * gap, shaped.Stage(hanging, [0]), 9);
        Assert.Equal(task.Terminal(hanging) + 10 * 0.03 * gap * gap, shaped.Terminal(hanging), 9);
    }

    [Fact]
    public void ShapedCostDerivativesEqualCentralDifferences()
    {
        ICost cost = AcrobotSwingUpEnv.EnergyShapedCost();
        const int n = 4, m = 1;
        var rng = new Rng(29);
        var d = new CostDerivatives(n, m);
        var gradient = new double[n + m];
        var hessian = new double[(n + m) * (n + m)];
        for (int trial = 0; trial < 30; trial++)
        {
            double[] z = [rng.Uniform(-3, 3), rng.Uniform(-3, 3), rng.Uniform(-3, 3), rng.Uniform(-3, 3), rng.Uniform(-4, 4)];
            double Stage(double[] p) => cost.Stage(p.AsSpan(0, n), p.AsSpan(n, m));
            cost.StageDerivatives(z.AsSpan(0, n), z.AsSpan(n, m), d);
            FiniteDifferences.Gradient(Stage, z, gradient);
            FiniteDifferences.Hessian(Stage, z, hessian);
            string at = $"at z=[{string.Join(", ", z)}]";
            DerivativeTests.AssertClose(gradient.AsSpan(0, n), d.Lx, 1e-6, "Lx " + at);
            DerivativeTests.AssertClose(gradient.AsSpan(n, m), d.Lu, 1e-6, "Lu " + at);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    DerivativeTests.AssertClose(hessian[i * (n + m) + j], d.Lxx[i * n + j], 1e-5, $"Lxx[{i},{j}] " + at);

            double Terminal(double[] p) => cost.Terminal(p);
            cost.TerminalDerivatives(z.AsSpan(0, n), d);
            var tg = new double[n];
            FiniteDifferences.Gradient(Terminal, z.AsSpan(0, n), tg);
            DerivativeTests.AssertClose(tg, d.Lx, 1e-6, "terminal Lx " + at);
        }
    }
}
