// Two-link planar arm in a horizontal plane (no gravity) with torque motors at both joints, reaching a
// random target. Full rigid-body equations M(q) qdd + C(q, qd) qd + b qd = tau for two uniform rods.
// State (q1, q2, qd1, qd2, tx, ty): the target is part of the state (constant in time), so the model and
// the cost carry everything a planner needs. RK4 at dt = 0.05 s.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Analytic;

namespace Control.Robots.Analytic;

/// <summary>Continuous-time two-link arm; the target coordinates have zero derivative.</summary>
public readonly record struct Reacher2DPhysics() : IContinuousEquations
{
    /// <summary>Length of link 1 (m).</summary>
    public double Length1 { get; init; } = 0.5;
    /// <summary>Length of link 2 (m).</summary>
    public double Length2 { get; init; } = 0.5;
    /// <summary>Mass of link 1 (kg), a uniform rod.</summary>
    public double Mass1 { get; init; } = 1.0;
    /// <summary>Mass of link 2 (kg), a uniform rod.</summary>
    public double Mass2 { get; init; } = 1.0;
    /// <summary>Viscous friction at each joint (N m s/rad).</summary>
    public double Damping { get; init; } = 0.1;

    public int StateSize => 6;

    public void Derivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> derivative) where T : unmanaged, IScalar<T>
    {
        double l1 = Length1, m1 = Mass1, m2 = Mass2, lc1 = Length1 / 2, lc2 = Length2 / 2;
        double i1 = m1 * Length1 * Length1 / 12, i2 = m2 * Length2 * Length2 / 12;
        double a1 = i1 + i2 + m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2);
        double a2 = m2 * l1 * lc2;
        double a3 = i2 + m2 * lc2 * lc2;
        (T sin2, T cos2) = T.SinCos(x[1]);
        T qd1 = x[2], qd2 = x[3];
        // Mass matrix M = [[m11, m12], [m12, m22]] and Coriolis/centrifugal terms c.
        T m11 = a1 + 2.0 * a2 * cos2;
        T m12 = a3 + a2 * cos2;
        T c1 = -a2 * sin2 * qd2 * (2.0 * qd1 + qd2);
        T c2 = a2 * sin2 * qd1 * qd1;
        T r1 = u[0] - c1 - Damping * qd1;
        T r2 = u[1] - c2 - Damping * qd2;
        T det = m11 * a3 - m12 * m12;
        derivative[0] = qd1;
        derivative[1] = qd2;
        derivative[2] = (a3 * r1 - m12 * r2) / det;
        derivative[3] = (m11 * r2 - m12 * r1) / det;
        derivative[4] = T.Constant(0.0);
        derivative[5] = T.Constant(0.0);
    }

    /// <summary>Fingertip position (x, y) of joint angles (q1, q2).</summary>
    public (T X, T Y) Fingertip<T>(T q1, T q2) where T : unmanaged, IScalar<T>
    {
        (T sin1, T cos1) = T.SinCos(q1);
        (T sin12, T cos12) = T.SinCos(q1 + q2);
        return (Length1 * cos1 + Length2 * cos12, Length1 * sin1 + Length2 * sin12);
    }
}

/// <summary>Arm transition: torques clipped to +-MaxTorque, one RK4 step.</summary>
public readonly record struct Reacher2DEquations() : IEquations
{
    /// <summary>Physical constants.</summary>
    public Reacher2DPhysics Physics { get; init; } = new();
    /// <summary>Torque limit of each joint (N m).</summary>
    public double MaxTorque { get; init; } = 2.0;
    /// <summary>Seconds per step.</summary>
    public double TimeStep { get; init; } = 0.05;

    public string Name => "reacher2d";
    public int StateSize => 6;
    public int ControlSize => 2;
    public Box ControlBounds => Box.Uniform(2, -MaxTorque, MaxTorque);

    public void Step<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> next) where T : unmanaged, IScalar<T>
    {
        Span<T> torque = [Scalar.Clamp(u[0], -MaxTorque, MaxTorque), Scalar.Clamp(u[1], -MaxTorque, MaxTorque)];
        Integrate.RungeKutta4(Physics, x, torque, TimeStep, next);
    }
}

/// <summary>
/// Reaching cost: DistanceWeight |tip - target|^2 + VelocityWeight |qd|^2 + ControlWeight |tau|^2;
/// terminal: TerminalScale times the state part.
/// </summary>
public readonly record struct Reacher2DCost() : IClosedFormCostTerms
{
    /// <summary>Arm geometry (for the fingertip).</summary>
    public Reacher2DPhysics Physics { get; init; } = new();
    /// <summary>Weight of the squared fingertip-to-target distance (m^-2).</summary>
    public double DistanceWeight { get; init; } = 1.0;
    /// <summary>Weight of the squared joint speeds.</summary>
    public double VelocityWeight { get; init; } = 0.01;
    /// <summary>Weight of the squared torques.</summary>
    public double ControlWeight { get; init; } = 0.001;
    /// <summary>Factor on the state part for the terminal cost.</summary>
    public double TerminalScale { get; init; } = 10.0;

    public string Name => "reacher2d";
    public int StateSize => 6;
    public int ControlSize => 2;

    public T Stage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u) where T : unmanaged, IScalar<T>
        => StatePart(x) + ControlWeight * (Scalar.Square(u[0]) + Scalar.Square(u[1]));

    public T Terminal<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T> => TerminalScale * StatePart(x);

    private T StatePart<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T>
    {
        (T tipX, T tipY) = Physics.Fingertip(x[0], x[1]);
        return DistanceWeight * (Scalar.Square(tipX - x[4]) + Scalar.Square(tipY - x[5]))
               + VelocityWeight * (Scalar.Square(x[2]) + Scalar.Square(x[3]));
    }

    public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
    {
        StatePartDerivatives(x, 1.0, d);
        d.L += ControlWeight * (u[0] * u[0] + u[1] * u[1]);
        d.Lu[0] = 2 * ControlWeight * u[0];
        d.Lu[1] = 2 * ControlWeight * u[1];
        d.Luu[0] = d.Luu[3] = 2 * ControlWeight;
    }

    public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d) => StatePartDerivatives(x, TerminalScale, d);

    // Distance term w |p(q) - t|^2 over z = (q1, q2, tx, ty) = state entries (0, 1, 4, 5): gradient 2 w J'e and
    // Hessian 2 w (J'J + e_x Hess(p_x) + e_y Hess(p_y)), with J = d(p - t)/dz.
    private void StatePartDerivatives(ReadOnlySpan<double> x, double scale, CostDerivatives d)
    {
        double l1 = Physics.Length1, l2 = Physics.Length2;
        (double s1, double c1) = Math.SinCos(x[0]);
        (double s12, double c12) = Math.SinCos(x[0] + x[1]);
        double ex = l1 * c1 + l2 * c12 - x[4], ey = l1 * s1 + l2 * s12 - x[5];
        double w = scale * DistanceWeight, v = scale * VelocityWeight;
        d.L = w * (ex * ex + ey * ey) + v * (x[2] * x[2] + x[3] * x[3]);

        ReadOnlySpan<int> z = [0, 1, 4, 5];
        ReadOnlySpan<double> jx = [-l1 * s1 - l2 * s12, -l2 * s12, -1, 0];
        ReadOnlySpan<double> jy = [l1 * c1 + l2 * c12, l2 * c12, 0, -1];
        // Second derivatives of p_x and p_y in (q1, q2); zero in the target coordinates.
        double hx11 = -l1 * c1 - l2 * c12, hx12 = -l2 * c12;
        double hy11 = -l1 * s1 - l2 * s12, hy12 = -l2 * s12;
        for (int a = 0; a < 4; a++)
        {
            d.Lx[z[a]] = 2 * w * (jx[a] * ex + jy[a] * ey);
            for (int b = 0; b < 4; b++)
            {
                double h = jx[a] * jx[b] + jy[a] * jy[b];
                if (a < 2 && b < 2)
                {
                    bool both1 = a == 0 && b == 0;
                    h += ex * (both1 ? hx11 : hx12) + ey * (both1 ? hy11 : hy12);
                }
                d.Lxx[z[a] * 6 + z[b]] = 2 * w * h;
            }
        }
        d.Lx[2] = 2 * v * x[2];
        d.Lx[3] = 2 * v * x[3];
        d.Lxx[14] = d.Lxx[21] = 2 * v;
    }
}

/// <summary>
/// Reach a random target in the arm's workspace: observation (cos q1, cos q2, sin q1, sin q2, tx, ty, qd1,
/// qd2, tip x - tx, tip y - ty), action the two torques, reward -cost, 100 steps (5 s).
/// </summary>
public sealed class Reacher2DEnv : RobotEnv, IGoalEnv
{
    private readonly Reacher2DPhysics physics;

    /// <summary>Fingertip within 0.02 m of the target and both joints slower than 0.5 rad/s.</summary>
    public bool AtGoal(ReadOnlySpan<double> x)
    {
        (Real tipX, Real tipY) = physics.Fingertip(new Real(x[0]), new Real(x[1]));
        double dx = tipX.Value - x[4], dy = tipY.Value - x[5];
        return Math.Sqrt(dx * dx + dy * dy) < 0.02 && Math.Abs(x[2]) < 0.5 && Math.Abs(x[3]) < 0.5;
    }

    /// <summary>Creates the env with the default constants unless others are given.</summary>
    public Reacher2DEnv(long seed = 0, Reacher2DEquations? equations = null)
        : this(equations ?? new Reacher2DEquations(), seed) { }

    private Reacher2DEnv(Reacher2DEquations eq, long seed)
        : base("reacher2d",
            new Box(Enumerable.Repeat(double.NegativeInfinity, 10).ToArray(), Enumerable.Repeat(double.PositiveInfinity, 10).ToArray()),
            eq.ControlBounds,
            new AnalyticDynamics<Reacher2DEquations>(eq),
            new AnalyticCost<Reacher2DCost>(new Reacher2DCost { Physics = eq.Physics }),
            seed)
    {
        physics = eq.Physics;
    }

    public override void Observe(ReadOnlySpan<double> x, Span<double> observation)
    {
        (Real tipX, Real tipY) = physics.Fingertip(new Real(x[0]), new Real(x[1]));
        observation[0] = Math.Cos(x[0]);
        observation[1] = Math.Cos(x[1]);
        observation[2] = Math.Sin(x[0]);
        observation[3] = Math.Sin(x[1]);
        observation[4] = x[4];
        observation[5] = x[5];
        observation[6] = x[2];
        observation[7] = x[3];
        observation[8] = tipX.Value - x[4];
        observation[9] = tipY.Value - x[5];
    }

    protected override void SampleInitialState(Span<double> x)
    {
        x[0] = Random.Uniform(-Math.PI, Math.PI);
        x[1] = Random.Uniform(-0.1, 0.1);
        x[2] = Random.Uniform(-0.005, 0.005);
        x[3] = Random.Uniform(-0.005, 0.005);
        // Target uniform over the reachable disc less a small core around the base.
        double reach = physics.Length1 + physics.Length2, tx, ty, r2;
        do
        {
            tx = Random.Uniform(-reach, reach);
            ty = Random.Uniform(-reach, reach);
            r2 = tx * tx + ty * ty;
        } while (r2 > 0.9 * 0.9 * reach * reach || r2 < 0.1 * 0.1 * reach * reach);
        x[4] = tx;
        x[5] = ty;
    }

    protected override (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next)
        => (NegativeStageCost(x, u), false);
}
