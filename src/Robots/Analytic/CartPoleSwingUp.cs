// Cart-pole swing-up: CartPole-v1's physics with a continuous force in [-10, 10] N, RK4 at dt = 0.05 s,
// the pole starting hanging down (theta = pi) and a smooth cost to upright at x = 0. 200 steps (10 s).
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Analytic;

namespace Control.Robots.Analytic;

/// <summary>Swing-up transition: force clipped to +-MaxForce, one RK4 step of <see cref="CartPolePhysics"/>.</summary>
public readonly record struct CartPoleSwingUpEquations() : IEquations
{
    /// <summary>Physical constants (CartPole-v1's).</summary>
    public CartPolePhysics Physics { get; init; } = new();
    /// <summary>Force limit (N).</summary>
    public double MaxForce { get; init; } = 10.0;
    /// <summary>Seconds per step.</summary>
    public double TimeStep { get; init; } = 0.05;

    public string Name => "cartpole-swingup";
    public int StateSize => 4;
    public int ControlSize => 1;
    public Box ControlBounds => Box.Uniform(1, -MaxForce, MaxForce);

    public void Step<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> next) where T : unmanaged, IScalar<T>
    {
        Span<T> force = [Scalar.Clamp(u[0], -MaxForce, MaxForce)];
        Integrate.RungeKutta4(Physics, x, force, TimeStep, next);
    }
}

/// <summary>
/// Swing-up cost: UprightWeight (1 - cos theta) + PositionWeight x^2 + VelocityWeight (xdot^2 + thetadot^2)
/// + ControlWeight u^2; terminal: TerminalScale times the state part.
/// </summary>
public readonly record struct CartPoleSwingUpCost() : IClosedFormCostTerms
{
    /// <summary>Weight of 1 - cos theta (zero upright, 2 hanging).</summary>
    public double UprightWeight { get; init; } = 1.0;
    /// <summary>Weight of x^2 (m^-2).</summary>
    public double PositionWeight { get; init; } = 0.1;
    /// <summary>Weight of xdot^2 and thetadot^2.</summary>
    public double VelocityWeight { get; init; } = 0.01;
    /// <summary>Weight of u^2 (N^-2).</summary>
    public double ControlWeight { get; init; } = 1e-3;
    /// <summary>Factor on the state part for the terminal cost.</summary>
    public double TerminalScale { get; init; } = 10.0;

    public string Name => "cartpole-swingup";
    public int StateSize => 4;
    public int ControlSize => 1;

    public T Stage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u) where T : unmanaged, IScalar<T>
        => StatePart(x) + ControlWeight * Scalar.Square(u[0]);

    public T Terminal<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T> => TerminalScale * StatePart(x);

    private T StatePart<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T>
        => UprightWeight * (1.0 - T.Cos(x[2])) + PositionWeight * Scalar.Square(x[0])
           + VelocityWeight * (Scalar.Square(x[1]) + Scalar.Square(x[3]));

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
        (double sin, double cos) = Math.SinCos(x[2]);
        d.L = scale * (UprightWeight * (1 - cos) + PositionWeight * x[0] * x[0] + VelocityWeight * (x[1] * x[1] + x[3] * x[3]));
        d.Lx[0] = scale * 2 * PositionWeight * x[0];
        d.Lx[1] = scale * 2 * VelocityWeight * x[1];
        d.Lx[2] = scale * UprightWeight * sin;
        d.Lx[3] = scale * 2 * VelocityWeight * x[3];
        d.Lxx[0] = scale * 2 * PositionWeight;
        d.Lxx[5] = scale * 2 * VelocityWeight;
        d.Lxx[10] = scale * UprightWeight * cos;
        d.Lxx[15] = scale * 2 * VelocityWeight;
    }
}

/// <summary>
/// The swing-up env: observation (x, xdot, cos theta, sin theta, thetadot), action force in [-10, 10] N,
/// reward = -stage cost, no termination.
/// </summary>
public sealed class CartPoleSwingUpEnv : RobotEnv, IGoalEnv, IMirrorSymmetricEnv
{
    /// <summary>Pole within 0.1 rad of upright and turning slower than 0.5 rad/s, cart within 1 m of the origin and slower than 0.5 m/s.</summary>
    public bool AtGoal(ReadOnlySpan<double> x)
        => Math.Abs(Math.IEEERemainder(x[2], 2 * Math.PI)) < 0.1 && Math.Abs(x[3]) < 0.5 && Math.Abs(x[0]) < 1.0 && Math.Abs(x[1]) < 0.5;

    /// <summary>Creates the env with the default constants unless others are given.</summary>
    public CartPoleSwingUpEnv(long seed = 0, CartPoleSwingUpEquations? equations = null)
        : this(equations ?? new CartPoleSwingUpEquations(), seed) { }

    private CartPoleSwingUpEnv(CartPoleSwingUpEquations eq, long seed)
        : base("cartpole-swingup",
            new Box([double.NegativeInfinity, double.NegativeInfinity, -1, -1, double.NegativeInfinity],
                    [double.PositiveInfinity, double.PositiveInfinity, 1, 1, double.PositiveInfinity]),
            eq.ControlBounds,
            new AnalyticDynamics<CartPoleSwingUpEquations>(eq),
            new AnalyticCost<CartPoleSwingUpCost>(new CartPoleSwingUpCost()),
            seed) { }

    public override void Observe(ReadOnlySpan<double> x, Span<double> observation)
    {
        observation[0] = x[0];
        observation[1] = x[1];
        observation[2] = Math.Cos(x[2]);
        observation[3] = Math.Sin(x[2]);
        observation[4] = x[3];
    }

    protected override void SampleInitialState(Span<double> x)
    {
        Random.FillUniform(x, -0.05, 0.05);
        x[2] += Math.PI;
    }

    /// <summary>
    /// (x, x dot, cos, sin, theta dot): all but the cosine change sign, the mirror of the state's and the force's sign
    /// change (<see cref="IMirrorSymmetricEnv"/>'s defaults): the cart and the pole reflected through the track's origin
    /// (the hanging start theta = pi maps to -pi, the same pose).
    /// </summary>
    public void MirrorObservation(ReadOnlySpan<double> observation, Span<double> mirrored)
    {
        for (int i = 0; i < 5; i++) mirrored[i] = i == 2 ? observation[i] : -observation[i];
    }

    protected override (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next)
        => (NegativeStageCost(x, u), false);
}
