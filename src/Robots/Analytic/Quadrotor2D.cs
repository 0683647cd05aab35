// Planar quadrotor (the x-z plane): a rigid body of mass m and inertia I with two rotors at +-r pushing
// along its body axis. Fly to a target and hover. The state is expressed relative to the target, so the
// target is the origin and the model does not depend on it: (ex, ez, phi, xdot, zdot, phidot), phi
// counter-clockwise, zero level. Controls: thrusts (left, right) in [0, MaxThrust] N. RK4 at dt = 0.02 s.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Analytic;

namespace Control.Robots.Analytic;

/// <summary>Continuous-time planar quadrotor rigid body.</summary>
public readonly record struct Quadrotor2DPhysics() : IContinuousEquations
{
    /// <summary>Mass (kg).</summary>
    public double Mass { get; init; } = 1.0;
    /// <summary>Moment of inertia about the body's centre (kg m^2).</summary>
    public double Inertia { get; init; } = 0.02;
    /// <summary>Distance of each rotor from the centre (m).</summary>
    public double Arm { get; init; } = 0.2;
    /// <summary>Gravity (m/s^2).</summary>
    public double Gravity { get; init; } = 9.81;

    public int StateSize => 6;

    public void Derivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> derivative) where T : unmanaged, IScalar<T>
    {
        T thrust = u[0] + u[1];
        (T sin, T cos) = T.SinCos(x[2]);
        derivative[0] = x[3];
        derivative[1] = x[4];
        derivative[2] = x[5];
        derivative[3] = -thrust * sin / Mass;
        derivative[4] = thrust * cos / Mass - Gravity;
        derivative[5] = Arm * (u[1] - u[0]) / Inertia;
    }
}

/// <summary>Quadrotor transition: thrusts clipped to [0, MaxThrust], one RK4 step.</summary>
public readonly record struct Quadrotor2DEquations() : IEquations
{
    /// <summary>Physical constants.</summary>
    public Quadrotor2DPhysics Physics { get; init; } = new();
    /// <summary>Largest thrust of one rotor (N); the default gives a thrust-to-weight ratio of 2.</summary>
    public double MaxThrust { get; init; } = 9.81;
    /// <summary>Seconds per step.</summary>
    public double TimeStep { get; init; } = 0.02;

    public string Name => "quadrotor2d";
    public int StateSize => 6;
    public int ControlSize => 2;
    public Box ControlBounds => Box.Uniform(2, 0.0, MaxThrust);

    /// <summary>Thrust of each rotor that holds the body level and still: m g / 2.</summary>
    public double HoverThrust => Physics.Mass * Physics.Gravity / 2;

    public void Step<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> next) where T : unmanaged, IScalar<T>
    {
        Span<T> thrust = [Scalar.Clamp(u[0], 0.0, MaxThrust), Scalar.Clamp(u[1], 0.0, MaxThrust)];
        Integrate.RungeKutta4(Physics, x, thrust, TimeStep, next);
    }
}

/// <summary>
/// Hover cost: PositionWeight |e|^2 + AngleWeight (1 - cos phi) + VelocityWeight |v|^2 + ControlWeight
/// |u - hover|^2; terminal: TerminalScale times the state part.
/// </summary>
public readonly record struct Quadrotor2DCost() : IClosedFormCostTerms
{
    /// <summary>Weight of the squared distance to the target (m^-2).</summary>
    public double PositionWeight { get; init; } = 1.0;
    /// <summary>Weight of 1 - cos phi.</summary>
    public double AngleWeight { get; init; } = 0.5;
    /// <summary>Weight of the squared linear and angular speeds.</summary>
    public double VelocityWeight { get; init; } = 0.05;
    /// <summary>Weight of the squared deviation of each thrust from hover (N^-2).</summary>
    public double ControlWeight { get; init; } = 0.01;
    /// <summary>Thrust per rotor at hover (N), m g / 2 for the default body.</summary>
    public double HoverThrust { get; init; } = 9.81 / 2;
    /// <summary>Factor on the state part for the terminal cost.</summary>
    public double TerminalScale { get; init; } = 10.0;

    public string Name => "quadrotor2d";
    public int StateSize => 6;
    public int ControlSize => 2;

    public T Stage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u) where T : unmanaged, IScalar<T>
        => StatePart(x) + ControlWeight * (Scalar.Square(u[0] - HoverThrust) + Scalar.Square(u[1] - HoverThrust));

    public T Terminal<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T> => TerminalScale * StatePart(x);

    private T StatePart<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T>
        => PositionWeight * (Scalar.Square(x[0]) + Scalar.Square(x[1])) + AngleWeight * (1.0 - T.Cos(x[2]))
           + VelocityWeight * (Scalar.Square(x[3]) + Scalar.Square(x[4]) + Scalar.Square(x[5]));

    public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
    {
        StatePartDerivatives(x, 1.0, d);
        double e0 = u[0] - HoverThrust, e1 = u[1] - HoverThrust;
        d.L += ControlWeight * (e0 * e0 + e1 * e1);
        d.Lu[0] = 2 * ControlWeight * e0;
        d.Lu[1] = 2 * ControlWeight * e1;
        d.Luu[0] = d.Luu[3] = 2 * ControlWeight;
    }

    public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d) => StatePartDerivatives(x, TerminalScale, d);

    private void StatePartDerivatives(ReadOnlySpan<double> x, double scale, CostDerivatives d)
    {
        (double sin, double cos) = Math.SinCos(x[2]);
        double p = scale * PositionWeight, a = scale * AngleWeight, v = scale * VelocityWeight;
        d.L = p * (x[0] * x[0] + x[1] * x[1]) + a * (1 - cos) + v * (x[3] * x[3] + x[4] * x[4] + x[5] * x[5]);
        d.Lx[0] = 2 * p * x[0];
        d.Lx[1] = 2 * p * x[1];
        d.Lx[2] = a * sin;
        for (int i = 3; i < 6; i++) d.Lx[i] = 2 * v * x[i];
        d.Lxx[0] = d.Lxx[7] = 2 * p;
        d.Lxx[14] = a * cos;
        d.Lxx[21] = d.Lxx[28] = d.Lxx[35] = 2 * v;
    }
}

/// <summary>
/// Fly to a random target up to 1 m away in x and z and hover there: observation (ex, ez, cos phi, sin phi,
/// xdot, zdot, phidot) relative to the target, action the two thrusts, reward -cost, 250 steps (5 s).
/// </summary>
public sealed class Quadrotor2DEnv : RobotEnv, IGoalEnv
{
    /// <summary>Within 0.1 m of the target, tilted less than 0.1 rad, and every velocity under 0.2 (m/s, rad/s).</summary>
    public bool AtGoal(ReadOnlySpan<double> x)
        => Math.Sqrt(x[0] * x[0] + x[1] * x[1]) < 0.1 && Math.Abs(Math.IEEERemainder(x[2], 2 * Math.PI)) < 0.1
           && Math.Abs(x[3]) < 0.2 && Math.Abs(x[4]) < 0.2 && Math.Abs(x[5]) < 0.2;

    /// <summary>Creates the env with the default constants unless others are given.</summary>
    public Quadrotor2DEnv(long seed = 0, Quadrotor2DEquations? equations = null)
        : this(equations ?? new Quadrotor2DEquations(), seed) { }

    private Quadrotor2DEnv(Quadrotor2DEquations eq, long seed)
        : base("quadrotor2d",
            new Box([double.NegativeInfinity, double.NegativeInfinity, -1, -1, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity],
                    [double.PositiveInfinity, double.PositiveInfinity, 1, 1, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity]),
            eq.ControlBounds,
            new AnalyticDynamics<Quadrotor2DEquations>(eq),
            new AnalyticCost<Quadrotor2DCost>(new Quadrotor2DCost { HoverThrust = eq.HoverThrust }),
            seed) { }

    public override void Observe(ReadOnlySpan<double> x, Span<double> observation)
    {
        observation[0] = x[0];
        observation[1] = x[1];
        observation[2] = Math.Cos(x[2]);
        observation[3] = Math.Sin(x[2]);
        observation[4] = x[3];
        observation[5] = x[4];
        observation[6] = x[5];
    }

    protected override void SampleInitialState(Span<double> x)
    {
        x[0] = Random.Uniform(-1.0, 1.0);
        x[1] = Random.Uniform(-1.0, 1.0);
        x[2] = Random.Uniform(-0.1, 0.1);
        x[3] = Random.Uniform(-0.1, 0.1);
        x[4] = Random.Uniform(-0.1, 0.1);
        x[5] = Random.Uniform(-0.1, 0.1);
    }

    protected override (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next)
        => (NegativeStageCost(x, u), false);
}
