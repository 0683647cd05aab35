// Inverted pendulum swing-up, identical to Gymnasium Pendulum-v1: g = 10, m = l = 1, dt = 0.05,
// |torque| <= 2, |thdot| <= 8, reward -(angle^2 + 0.1 thdot^2 + 0.001 u^2), 200 steps.
// State (theta, thdot) with theta = 0 upright; theta is not wrapped, as in the reference.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Analytic;

namespace Control.Robots.Analytic;

/// <summary>Pendulum-v1 transition: semi-implicit Euler with the velocity clip of the reference.</summary>
public readonly record struct PendulumEquations() : IEquations
{
    /// <summary>Gravity (m/s^2), 10 in the reference.</summary>
    public double Gravity { get; init; } = 10.0;
    /// <summary>Mass (kg).</summary>
    public double Mass { get; init; } = 1.0;
    /// <summary>Length (m).</summary>
    public double Length { get; init; } = 1.0;
    /// <summary>Torque limit (N m).</summary>
    public double MaxTorque { get; init; } = 2.0;
    /// <summary>Angular speed limit (rad/s).</summary>
    public double MaxSpeed { get; init; } = 8.0;
    /// <summary>Seconds per step.</summary>
    public double TimeStep { get; init; } = 0.05;

    public string Name => "pendulum";
    public int StateSize => 2;
    public int ControlSize => 1;
    public Box ControlBounds => Box.Uniform(1, -MaxTorque, MaxTorque);

    public void Step<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> next) where T : unmanaged, IScalar<T>
    {
        T torque = Scalar.Clamp(u[0], -MaxTorque, MaxTorque);
        T thdot = x[1] + (3 * Gravity / (2 * Length) * T.Sin(x[0]) + 3.0 / (Mass * Length * Length) * torque) * TimeStep;
        thdot = Scalar.Clamp(thdot, -MaxSpeed, MaxSpeed);
        next[0] = x[0] + thdot * TimeStep;
        next[1] = thdot;
    }
}

/// <summary>Pendulum-v1 cost: normalized angle^2 + 0.1 thdot^2 + 0.001 u^2 (the negated reward); terminal: the state part.</summary>
public readonly record struct PendulumCost() : IClosedFormCostTerms
{
    /// <summary>Weight of thdot^2.</summary>
    public double VelocityWeight { get; init; } = 0.1;
    /// <summary>Weight of u^2.</summary>
    public double ControlWeight { get; init; } = 0.001;

    public string Name => "pendulum";
    public int StateSize => 2;
    public int ControlSize => 1;

    public T Stage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u) where T : unmanaged, IScalar<T>
        => Terminal(x) + ControlWeight * Scalar.Square(u[0]);

    public T Terminal<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T>
        => Scalar.Square(Scalar.NormalizeAngle(x[0])) + VelocityWeight * Scalar.Square(x[1]);

    public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
    {
        TerminalDerivatives(x, d);
        d.L += ControlWeight * u[0] * u[0];
        d.Lu[0] = 2 * ControlWeight * u[0];
        d.Luu[0] = 2 * ControlWeight;
    }

    public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d)
    {
        double angle = Scalar.NormalizeAngle(new Real(x[0])).Value;
        d.L = angle * angle + VelocityWeight * x[1] * x[1];
        d.Lx[0] = 2 * angle;
        d.Lx[1] = 2 * VelocityWeight * x[1];
        d.Lxx[0] = 2;
        d.Lxx[3] = 2 * VelocityWeight;
    }
}

/// <summary>The Pendulum-v1 env: observation (cos theta, sin theta, thdot), action torque in [-2, 2].</summary>
public sealed class PendulumEnv : RobotEnv, IGoalEnv, IMirrorSymmetricEnv
{
    /// <summary>Within 0.1 rad of upright and turning slower than 0.5 rad/s.</summary>
    public bool AtGoal(ReadOnlySpan<double> x) => Math.Abs(Math.IEEERemainder(x[0], 2 * Math.PI)) < 0.1 && Math.Abs(x[1]) < 0.5;

    /// <summary>Creates the env with Pendulum-v1's constants unless others are given.</summary>
    public PendulumEnv(long seed = 0, PendulumEquations? equations = null)
        : this(equations ?? new PendulumEquations(), seed) { }

    private PendulumEnv(PendulumEquations eq, long seed)
        : base("pendulum",
            new Box([-1.0, -1.0, -eq.MaxSpeed], [1.0, 1.0, eq.MaxSpeed]),
            eq.ControlBounds,
            new AnalyticDynamics<PendulumEquations>(eq),
            new AnalyticCost<PendulumCost>(new PendulumCost()),
            seed) { }

    public override void Observe(ReadOnlySpan<double> x, Span<double> observation)
    {
        observation[0] = Math.Cos(x[0]);
        observation[1] = Math.Sin(x[0]);
        observation[2] = x[1];
    }

    protected override void SampleInitialState(Span<double> x)
    {
        x[0] = Random.Uniform(-Math.PI, Math.PI);
        x[1] = Random.Uniform(-1.0, 1.0);
    }

    /// <summary>
    /// (cos, sin, rate): the sine and the rate change sign, the mirror of the state's and the torque's sign change
    /// (<see cref="IMirrorSymmetricEnv"/>'s defaults): gravity and the torque enter the dynamics oddly, the cost evenly.
    /// </summary>
    public void MirrorObservation(ReadOnlySpan<double> observation, Span<double> mirrored)
    {
        mirrored[0] = observation[0];
        mirrored[1] = -observation[1];
        mirrored[2] = -observation[2];
    }

    protected override (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next)
        => (NegativeStageCost(x, u), false);
}
