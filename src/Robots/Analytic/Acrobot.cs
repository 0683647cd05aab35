// Acrobot, identical to Gymnasium Acrobot-v1: the "book" dynamics of Sutton & Barto (1998), two unit links
// of unit mass, RK4 over dt = 0.2 s, joint angles wrapped to [-pi, pi], speeds clipped to 4 pi and 9 pi,
// torque {-1, 0, 1} on the second joint, reward -1 per step until the tip rises one link length above the
// pivot, 500 steps. State (theta1, theta2, dtheta1, dtheta2), theta1 = 0 hanging down.
using System.Runtime.CompilerServices;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Analytic;

namespace Control.Robots.Analytic;

/// <summary>Continuous-time acrobot ("book" equations, torque on the elbow), shared by acrobot and acrobot-swingup.</summary>
public readonly record struct AcrobotPhysics() : IContinuousEquations
{
    /// <summary>Length of link 1 (m).</summary>
    public double Length1 { get; init; } = 1.0;
    /// <summary>Mass of link 1 (kg).</summary>
    public double Mass1 { get; init; } = 1.0;
    /// <summary>Mass of link 2 (kg).</summary>
    public double Mass2 { get; init; } = 1.0;
    /// <summary>Position of link 1's centre of mass (m).</summary>
    public double CenterOfMass1 { get; init; } = 0.5;
    /// <summary>Position of link 2's centre of mass (m).</summary>
    public double CenterOfMass2 { get; init; } = 0.5;
    /// <summary>Moment of inertia of each link about its centre (kg m^2).</summary>
    public double Inertia { get; init; } = 1.0;
    /// <summary>Gravity (m/s^2).</summary>
    public double Gravity { get; init; } = 9.8;

    public int StateSize => 4;

    public void Derivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> derivative) where T : unmanaged, IScalar<T>
    {
        double m1 = Mass1, m2 = Mass2, l1 = Length1, lc1 = CenterOfMass1, lc2 = CenterOfMass2, g = Gravity;
        T theta1 = x[0], theta2 = x[1], dtheta1 = x[2], dtheta2 = x[3], torque = u[0];
        (T sin2, T cos2) = T.SinCos(theta2);
        (T d1, T d2, double d22) = MassMatrix(cos2);
        T phi2 = m2 * lc2 * g * T.Cos(theta1 + theta2 - Math.PI / 2.0);
        T phi1 = -m2 * l1 * lc2 * dtheta2 * dtheta2 * sin2 - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2
                 + (m1 * lc1 + m2 * l1) * g * T.Cos(theta1 - Math.PI / 2.0) + phi2;
        T ddtheta2 = (torque + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * sin2 - phi2)
                     / (d22 - d2 * d2 / d1);
        T ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        derivative[0] = dtheta1;
        derivative[1] = dtheta2;
        derivative[2] = ddtheta1;
        derivative[3] = ddtheta2;
    }

    /// <summary>
    /// Total energy (J): kinetic, 1/2 qdot' M(q) qdot with the mass matrix of <see cref="Derivative"/>, plus potential,
    /// zero at the pivot's height (theta = 0 hangs down). The elbow torque's power is tau dtheta2; nothing else changes it.
    /// </summary>
    public T Energy<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T>
    {
        double m1 = Mass1, m2 = Mass2, l1 = Length1, lc1 = CenterOfMass1, lc2 = CenterOfMass2, g = Gravity;
        (T d11, T d12, double d22) = MassMatrix(T.Cos(x[1]));
        T kinetic = 0.5 * (d11 * x[2] * x[2] + 2.0 * d12 * x[2] * x[3] + d22 * x[3] * x[3]);
        T potential = -(m1 * lc1 + m2 * l1) * g * T.Cos(x[0]) - m2 * lc2 * g * T.Cos(x[0] + x[1]);
        return kinetic + potential;
    }

    // The mass matrix [[d11, d12], [d12, d22]] at elbow angle theta2 (given its cosine); d22 does not depend on it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (T D11, T D12, double D22) MassMatrix<T>(T cos2) where T : unmanaged, IScalar<T>
    {
        double m1 = Mass1, m2 = Mass2, l1 = Length1, lc1 = CenterOfMass1, lc2 = CenterOfMass2, i1 = Inertia, i2 = Inertia;
        return (m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + i1 + i2, m2 * (lc2 * lc2 + l1 * lc2 * cos2) + i2, m2 * lc2 * lc2 + i2);
    }

    /// <summary>The energy of both links straight up and at rest (J): the level a swing-up must reach.</summary>
    public double UprightEnergy => (Mass1 * CenterOfMass1 + Mass2 * Length1) * Gravity + Mass2 * CenterOfMass2 * Gravity;
}

/// <summary>
/// Acrobot transition as Acrobot-v1 defines it: torque clipped to +-MaxTorque, RK4 over one step, angles
/// wrapped to [-pi, pi], speeds clipped. Both the discrete and the continuous variant use it.
/// </summary>
public readonly record struct AcrobotEquations() : IEquations
{
    /// <summary>Physical constants.</summary>
    public AcrobotPhysics Physics { get; init; } = new();
    /// <summary>Torque limit (N m).</summary>
    public double MaxTorque { get; init; } = 1.0;
    /// <summary>Speed limit of joint 1 (rad/s).</summary>
    public double MaxSpeed1 { get; init; } = 4 * Math.PI;
    /// <summary>Speed limit of joint 2 (rad/s).</summary>
    public double MaxSpeed2 { get; init; } = 9 * Math.PI;
    /// <summary>Seconds per step.</summary>
    public double TimeStep { get; init; } = 0.2;
    /// <summary>Wrap both angles into [-pi, pi] after each step as Acrobot-v1 does (false: continuous angles, so that
    /// states near upright, where the wrap jumps, stay close to each other for feedback and planning).</summary>
    public bool WrapAngles { get; init; } = true;
    /// <summary>Registry name of the variant.</summary>
    public string Name { get; init; } = "acrobot";

    public int StateSize => 4;
    public int ControlSize => 1;
    public Box ControlBounds => Box.Uniform(1, -MaxTorque, MaxTorque);

    public void Step<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> next) where T : unmanaged, IScalar<T>
    {
        Span<T> torque = [Scalar.Clamp(u[0], -MaxTorque, MaxTorque)];
        Integrate.RungeKutta4(Physics, x, torque, TimeStep, next);
        if (WrapAngles)
        {
            next[0] = Wrap(next[0]);
            next[1] = Wrap(next[1]);
        }
        next[2] = Scalar.Clamp(next[2], -MaxSpeed1, MaxSpeed1);
        next[3] = Scalar.Clamp(next[3], -MaxSpeed2, MaxSpeed2);
    }

    // Gymnasium's wrap(x, -pi, pi): shift by whole turns until inside; derivative one. Angles beyond a few turns
    // (only reachable by setting such a state) are first reduced by the IEEE remainder, so the loop always ends.
    private static T Wrap<T>(T angle) where T : unmanaged, IScalar<T>
    {
        double v = angle.Value, shifted = Math.Abs(v) > 4 * Math.PI ? Math.IEEERemainder(v, 2 * Math.PI) : v;
        while (shifted > Math.PI) shifted -= 2 * Math.PI;
        while (shifted < -Math.PI) shifted += 2 * Math.PI;
        return angle + (shifted - v);
    }
}

/// <summary>
/// Acrobot cost: UprightWeight (2 + cos theta1 + cos(theta1 + theta2)), the tip's depth below its highest
/// point (zero straight up; Acrobot-v1 ends when it falls under 1), plus small speed and torque terms.
/// </summary>
public readonly record struct AcrobotCost() : IClosedFormCostTerms
{
    /// <summary>Weight of the tip-depth term.</summary>
    public double UprightWeight { get; init; } = 1.0;
    /// <summary>Weight of dtheta1^2 + dtheta2^2.</summary>
    public double VelocityWeight { get; init; } = 1e-3;
    /// <summary>Weight of u^2.</summary>
    public double ControlWeight { get; init; } = 1e-3;
    /// <summary>Factor on the state part for the terminal cost.</summary>
    public double TerminalScale { get; init; } = 10.0;
    /// <summary>Name used in messages.</summary>
    public string Name { get; init; } = "acrobot";

    public int StateSize => 4;
    public int ControlSize => 1;

    public T Stage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u) where T : unmanaged, IScalar<T>
        => StatePart(x) + ControlWeight * Scalar.Square(u[0]);

    public T Terminal<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T> => TerminalScale * StatePart(x);

    private T StatePart<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T>
        => UprightWeight * (2.0 + T.Cos(x[0]) + T.Cos(x[0] + x[1]))
           + VelocityWeight * (Scalar.Square(x[2]) + Scalar.Square(x[3]));

    public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
    {
        StatePartDerivatives(x, 1.0, d);
        d.L += ControlWeight * u[0] * u[0];
        d.Lu[0] = 2 * ControlWeight * u[0];
        d.Luu[0] = 2 * ControlWeight;
    }

    public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d) => StatePartDerivatives(x, TerminalScale, d);

    private void StatePartDerivatives(ReadOnlySpan<double> x, double scale, CostDerivatives d)
    {
        (double sin1, double cos1) = Math.SinCos(x[0]);
        (double sin12, double cos12) = Math.SinCos(x[0] + x[1]);
        double w = scale * UprightWeight, v = scale * VelocityWeight;
        d.L = w * (2 + cos1 + cos12) + v * (x[2] * x[2] + x[3] * x[3]);
        d.Lx[0] = -w * (sin1 + sin12);
        d.Lx[1] = -w * sin12;
        d.Lx[2] = 2 * v * x[2];
        d.Lx[3] = 2 * v * x[3];
        d.Lxx[0] = -w * (cos1 + cos12);
        d.Lxx[1] = d.Lxx[4] = d.Lxx[5] = -w * cos12;
        d.Lxx[10] = 2 * v;
        d.Lxx[15] = 2 * v;
    }
}

/// <summary>
/// A planning cost for the swing-up: <see cref="Task"/> plus EnergyWeight (E(x) - E_top)^2 at every step and
/// TerminalScale times it at the end, E the total energy of <see cref="Physics"/> and E_top its value upright at rest.
/// The term pulls a short plan toward the energy of upright, so that a horizon of 2 s pumps and then brakes, as the
/// energy-based swing-up controllers do (Spong, "The swing up control problem for the acrobot", IEEE Control Systems
/// 1995). It is a planner's objective, not the task's: returns are still measured on <see cref="Task"/>.
/// </summary>
public readonly record struct AcrobotEnergyShapedCost() : ICostTerms
{
    /// <summary>The task cost the shaping is added to.</summary>
    public AcrobotCost Task { get; init; } = new() { Name = "acrobot-swingup" };
    /// <summary>The physics whose energy is shaped (the env's).</summary>
    public AcrobotPhysics Physics { get; init; } = new();
    /// <summary>Weight of (E - E_top)^2, J^-2 in cost units (default 0.03: iLQR-MPC over 40 steps of the swing-up returns -234 with it, bench/RESULTS.md).</summary>
    public double EnergyWeight { get; init; } = 0.03;

    public string Name => Task.Name;
    public int StateSize => 4;
    public int ControlSize => 1;

    public T Stage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u) where T : unmanaged, IScalar<T> => Task.Stage(x, u) + Shaping(x);

    public T Terminal<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T> => Task.Terminal(x) + Task.TerminalScale * Shaping(x);

    private T Shaping<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T>
        => EnergyWeight * Scalar.Square(Physics.Energy(x) - Physics.UprightEnergy);
}

/// <summary>
/// The Acrobot-v1 env: observation (cos t1, sin t1, cos t2, sin t2, dt1, dt2), action Discrete(3) = torque
/// {-1, 0, 1}, reward -1 per step until the tip is above height 1, where the episode terminates.
/// </summary>
public sealed class AcrobotEnv : RobotEnv
{
    /// <summary>Creates the env with Acrobot-v1's constants unless others are given.</summary>
    public AcrobotEnv(long seed = 0, AcrobotEquations? equations = null)
        : this(equations ?? new AcrobotEquations(), seed) { }

    private AcrobotEnv(AcrobotEquations eq, long seed)
        : base("acrobot", AcrobotObservation.Space(eq), new Discrete(3),
            new AnalyticDynamics<AcrobotEquations>(eq), new AnalyticCost<AcrobotCost>(new AcrobotCost()), seed) { }

    public override void Observe(ReadOnlySpan<double> x, Span<double> observation) => AcrobotObservation.Write(x, observation);

    /// <summary>Uniform in [-0.1, 0.1], rounded to float32 as the reference's <c>.astype(np.float32)</c> does.</summary>
    protected override void SampleInitialState(Span<double> x)
    {
        Random.FillUniform(x, -0.1, 0.1);
        for (int i = 0; i < x.Length; i++) x[i] = (float)x[i];
    }

    protected override void ActionToControl(ReadOnlySpan<double> action, Span<double> control) => control[0] = action[0] - 1.0;

    protected override (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next)
    {
        bool terminated = AcrobotObservation.TipHeight(next) > 1.0;
        return (terminated ? 0.0 : -1.0, terminated);
    }
}

/// <summary>
/// Continuous-torque acrobot swing-up: Acrobot-v1's physics with torque in [-4, 4] N m, RK4 at dt = 0.05 s,
/// reward = -<see cref="AcrobotCost"/> (get the tip straight up and keep it there), no termination, 400 steps.
/// Mirror-symmetric: both angles, both rates and the torque change sign together.
/// </summary>
public sealed class AcrobotSwingUpEnv : RobotEnv, IGoalEnv, IMirrorSymmetricEnv
{
    /// <summary>Both links within about 0.2 rad of straight up (tip depth under 0.04 m) and both joints slower than 1 rad/s.</summary>
    public bool AtGoal(ReadOnlySpan<double> x)
        => 2 + Math.Cos(x[0]) + Math.Cos(x[0] + x[1]) < 0.04 && Math.Abs(x[2]) < 1.0 && Math.Abs(x[3]) < 1.0;

    /// <summary>The swing-up variant's equations: Acrobot-v1's with a finer step and a larger continuous torque.</summary>
    public static AcrobotEquations DefaultEquations => new() { MaxTorque = 4.0, TimeStep = 0.05, WrapAngles = false, Name = "acrobot-swingup" };

    /// <summary>
    /// The swing-up's task cost with <see cref="AcrobotEnergyShapedCost"/>'s energy term (its default weight) on the
    /// default physics: a planning objective for short horizons.
    /// </summary>
    public static ICost EnergyShapedCost() => new AnalyticCost<AcrobotEnergyShapedCost>(new AcrobotEnergyShapedCost { Physics = DefaultEquations.Physics });

    /// <summary>Creates the env with the default constants unless others are given.</summary>
    public AcrobotSwingUpEnv(long seed = 0, AcrobotEquations? equations = null)
        : this(equations ?? DefaultEquations, seed) { }

    private AcrobotSwingUpEnv(AcrobotEquations eq, long seed)
        : base("acrobot-swingup", AcrobotObservation.Space(eq), eq.ControlBounds,
            new AnalyticDynamics<AcrobotEquations>(eq),
            new AnalyticCost<AcrobotCost>(new AcrobotCost { Name = "acrobot-swingup" }), seed) { }

    public override void Observe(ReadOnlySpan<double> x, Span<double> observation) => AcrobotObservation.Write(x, observation);

    protected override void SampleInitialState(Span<double> x) => Random.FillUniform(x, -0.1, 0.1);

    /// <summary>
    /// (cos, sin, cos, sin, rate, rate): the sines and the rates change sign, the mirror of the state's and the torque's
    /// sign change (<see cref="IMirrorSymmetricEnv"/>'s defaults): gravity, the coupling torques and the control enter the
    /// equations of motion oddly, the mass matrix and the cost evenly.
    /// </summary>
    public void MirrorObservation(ReadOnlySpan<double> observation, Span<double> mirrored)
    {
        for (int i = 0; i < 6; i++) mirrored[i] = i is 0 or 2 ? observation[i] : -observation[i];
    }

    protected override (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next)
        => (NegativeStageCost(x, u), false);
}

/// <summary>Acrobot-v1's observation and tip height, shared by both variants.</summary>
public static class AcrobotObservation
{
    /// <summary>Box of (cos t1, sin t1, cos t2, sin t2, dt1, dt2).</summary>
    public static Box Space(AcrobotEquations eq)
        => new([-1, -1, -1, -1, -eq.MaxSpeed1, -eq.MaxSpeed2], [1, 1, 1, 1, eq.MaxSpeed1, eq.MaxSpeed2]);

    /// <summary>Writes (cos t1, sin t1, cos t2, sin t2, dt1, dt2).</summary>
    public static void Write(ReadOnlySpan<double> x, Span<double> observation)
    {
        observation[0] = Math.Cos(x[0]);
        observation[1] = Math.Sin(x[0]);
        observation[2] = Math.Cos(x[1]);
        observation[3] = Math.Sin(x[1]);
        observation[4] = x[2];
        observation[5] = x[3];
    }

    /// <summary>-cos t1 - cos(t1 + t2): height of the tip above the pivot in link lengths.</summary>
    public static double TipHeight(ReadOnlySpan<double> x) => -Math.Cos(x[0]) - Math.Cos(x[1] + x[0]);
}
