// Cart-pole balancing, identical to Gymnasium CartPole-v1 (Barto, Sutton & Anderson 1983 equations):
// g = 9.8, cart 1.0 kg, pole 0.1 kg, half-length 0.5 m, push +-10 N, tau = 0.02 s explicit Euler,
// +1 per step, termination at |theta| > 12 deg or |x| > 2.4 m, 500 steps.
// State (x, xdot, theta, thetadot), theta = 0 upright.
using Control.Core.Envs;
using Control.Dynamics.Analytic;

namespace Control.Robots.Analytic;

/// <summary>Continuous-time cart-pole (frictionless, pole a uniform rod), shared by cartpole and cartpole-swingup.</summary>
public readonly record struct CartPolePhysics() : IContinuousEquations
{
    /// <summary>Gravity (m/s^2).</summary>
    public double Gravity { get; init; } = 9.8;
    /// <summary>Cart mass (kg).</summary>
    public double CartMass { get; init; } = 1.0;
    /// <summary>Pole mass (kg).</summary>
    public double PoleMass { get; init; } = 0.1;
    /// <summary>Half the pole's length (m).</summary>
    public double HalfLength { get; init; } = 0.5;

    public int StateSize => 4;

    /// <summary>d/dt (x, xdot, theta, thetadot) under horizontal force u[0] on the cart.</summary>
    public void Derivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> derivative) where T : unmanaged, IScalar<T>
    {
        double totalMass = CartMass + PoleMass;
        double poleMassLength = PoleMass * HalfLength;
        (T sin, T cos) = T.SinCos(x[2]);
        T temp = (u[0] + poleMassLength * x[3] * x[3] * sin) / totalMass;
        T thetaAcc = (Gravity * sin - cos * temp) / (HalfLength * (4.0 / 3.0 - PoleMass * cos * cos / totalMass));
        T xAcc = temp - poleMassLength * thetaAcc * cos / totalMass;
        derivative[0] = x[1];
        derivative[1] = xAcc;
        derivative[2] = x[3];
        derivative[3] = thetaAcc;
    }
}

/// <summary>CartPole-v1 transition: force clipped to +-ForceMagnitude, one explicit Euler step.</summary>
public readonly record struct CartPoleEquations() : IEquations
{
    /// <summary>Physical constants.</summary>
    public CartPolePhysics Physics { get; init; } = new();
    /// <summary>Magnitude of the push (N).</summary>
    public double ForceMagnitude { get; init; } = 10.0;
    /// <summary>Seconds per step.</summary>
    public double TimeStep { get; init; } = 0.02;

    public string Name => "cartpole";
    public int StateSize => 4;
    public int ControlSize => 1;
    public Box ControlBounds => Box.Uniform(1, -ForceMagnitude, ForceMagnitude);

    public void Step<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> next) where T : unmanaged, IScalar<T>
    {
        Span<T> force = [Scalar.Clamp(u[0], -ForceMagnitude, ForceMagnitude)];
        Integrate.Euler(Physics, x, force, TimeStep, next);
    }
}

/// <summary>
/// Smooth surrogate of CartPole's survival reward: squared distance to the termination limits,
/// (x / 2.4)^2 + (theta / 12 deg)^2, plus small velocity and force terms.
/// </summary>
public readonly record struct CartPoleCost() : ICostTerms
{
    /// <summary>Cart position at which the episode ends (m).</summary>
    public double PositionLimit { get; init; } = 2.4;
    /// <summary>Pole angle at which the episode ends (rad).</summary>
    public double AngleLimit { get; init; } = 12 * 2 * Math.PI / 360;
    /// <summary>Weight of xdot^2 and thetadot^2.</summary>
    public double VelocityWeight { get; init; } = 0.01;
    /// <summary>Weight of u^2 (N^-2).</summary>
    public double ControlWeight { get; init; } = 1e-4;

    public string Name => "cartpole";
    public int StateSize => 4;
    public int ControlSize => 1;

    public T Stage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u) where T : unmanaged, IScalar<T>
        => Terminal(x) + ControlWeight * Scalar.Square(u[0]);

    public T Terminal<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T>
        => Scalar.Square(x[0] / PositionLimit) + Scalar.Square(x[2] / AngleLimit)
           + VelocityWeight * (Scalar.Square(x[1]) + Scalar.Square(x[3]));
}

/// <summary>The CartPole-v1 env: observation = state, action Discrete(2) (0 pushes left, 1 pushes right).</summary>
public sealed class CartPoleEnv : RobotEnv
{
    private readonly CartPoleEquations equations;
    private readonly CartPoleCost limits = new();

    /// <summary>Creates the env with CartPole-v1's constants unless others are given.</summary>
    public CartPoleEnv(long seed = 0, CartPoleEquations? equations = null)
        : this(equations ?? new CartPoleEquations(), seed) { }

    private CartPoleEnv(CartPoleEquations eq, long seed)
        : base("cartpole",
            // Gymnasium's bounds: twice the termination limits, unbounded speeds.
            new Box([-4.8, double.NegativeInfinity, -0.41887902047863906, double.NegativeInfinity],
                    [4.8, double.PositiveInfinity, 0.41887902047863906, double.PositiveInfinity]),
            new Discrete(2),
            new AnalyticDynamics<CartPoleEquations>(eq),
            new AnalyticCost<CartPoleCost>(new CartPoleCost()),
            seed)
    {
        equations = eq;
    }

    public override void Observe(ReadOnlySpan<double> x, Span<double> observation) => x.CopyTo(observation);

    protected override void SampleInitialState(Span<double> x) => Random.FillUniform(x, -0.05, 0.05);

    protected override void ActionToControl(ReadOnlySpan<double> action, Span<double> control)
        => control[0] = action[0] == 1 ? equations.ForceMagnitude : -equations.ForceMagnitude;

    protected override (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next)
    {
        bool terminated = next[0] < -limits.PositionLimit || next[0] > limits.PositionLimit
            || next[2] < -limits.AngleLimit || next[2] > limits.AngleLimit;
        return (1.0, terminated);
    }
}
