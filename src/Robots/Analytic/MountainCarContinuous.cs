// Mountain car with a continuous throttle, identical to Gymnasium MountainCarContinuous-v0 (Moore 1990):
// power 0.0015, gravity term 0.0025 cos(3 p), |v| <= 0.07, p in [-1.2, 0.6] with an inelastic left wall,
// goal p >= 0.45; reward +100 at the goal minus 0.1 a^2 per step, 999 steps. State (position, velocity),
// stored in float32 after each step as the reference does; the model itself computes in double.
using Control.Core.Envs;
using Control.Dynamics.Analytic;

namespace Control.Robots.Analytic;

/// <summary>MountainCarContinuous-v0 transition (discrete-time by definition).</summary>
public readonly record struct MountainCarEquations() : IEquations
{
    /// <summary>Throttle gain.</summary>
    public double Power { get; init; } = 0.0015;
    /// <summary>Gravity term's gain.</summary>
    public double Gravity { get; init; } = 0.0025;
    /// <summary>Speed limit.</summary>
    public double MaxSpeed { get; init; } = 0.07;
    /// <summary>Left wall.</summary>
    public double MinPosition { get; init; } = -1.2;
    /// <summary>Right end.</summary>
    public double MaxPosition { get; init; } = 0.6;

    public string Name => "mountaincar-continuous";
    public int StateSize => 2;
    public int ControlSize => 1;
    /// <summary>One step per time unit: the reference has no physical time step.</summary>
    public double TimeStep => 1.0;
    public Box ControlBounds => Box.Uniform(1, -1.0, 1.0);

    public void Step<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> next) where T : unmanaged, IScalar<T>
    {
        T force = Scalar.Clamp(u[0], -1.0, 1.0);
        T velocity = x[1] + force * Power - Gravity * T.Cos(3.0 * x[0]);
        velocity = Scalar.Clamp(velocity, -MaxSpeed, MaxSpeed);
        T position = Scalar.Clamp(x[0] + velocity, MinPosition, MaxPosition);
        if (position.Value == MinPosition && velocity.Value < 0) velocity = T.Constant(0.0);
        next[0] = position;
        next[1] = velocity;
    }
}

/// <summary>
/// Smooth surrogate of MountainCar's reward: PositionWeight (goal - p)^2 for the goal bonus, plus exactly the
/// reference's 0.1 a^2 action penalty.
/// </summary>
public readonly record struct MountainCarCost() : ICostTerms
{
    /// <summary>Goal position.</summary>
    public double GoalPosition { get; init; } = 0.45;
    /// <summary>Weight of the squared distance to the goal.</summary>
    public double PositionWeight { get; init; } = 1.0;
    /// <summary>Weight of a^2 (the reference's 0.1).</summary>
    public double ControlWeight { get; init; } = 0.1;

    public string Name => "mountaincar-continuous";
    public int StateSize => 2;
    public int ControlSize => 1;

    public T Stage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u) where T : unmanaged, IScalar<T>
        => Terminal(x) + ControlWeight * Scalar.Square(u[0]);

    public T Terminal<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T> => PositionWeight * Scalar.Square(x[0] - GoalPosition);
}

/// <summary>The MountainCarContinuous-v0 env: observation (position, velocity), action throttle in [-1, 1].</summary>
public sealed class MountainCarContinuousEnv : RobotEnv
{
    private readonly MountainCarCost goal = new();

    /// <summary>Creates the env with the reference constants unless others are given.</summary>
    public MountainCarContinuousEnv(long seed = 0, MountainCarEquations? equations = null)
        : this(equations ?? new MountainCarEquations(), seed) { }

    private MountainCarContinuousEnv(MountainCarEquations eq, long seed)
        : base("mountaincar-continuous",
            new Box([eq.MinPosition, -eq.MaxSpeed], [eq.MaxPosition, eq.MaxSpeed]),
            eq.ControlBounds,
            new AnalyticDynamics<MountainCarEquations>(eq),
            new AnalyticCost<MountainCarCost>(new MountainCarCost()),
            seed) { }

    public override void Observe(ReadOnlySpan<double> x, Span<double> observation) => x.CopyTo(observation);

    protected override void SampleInitialState(Span<double> x)
    {
        x[0] = Random.Uniform(-0.6, -0.4);
        x[1] = 0.0;
    }

    /// <summary>The reference keeps its state as a float32 array (<c>np.array([position, velocity], dtype=np.float32)</c>).</summary>
    protected override void RoundStoredState(Span<double> x)
    {
        x[0] = (float)x[0];
        x[1] = (float)x[1];
    }

    protected override (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next)
    {
        bool terminated = next[0] >= goal.GoalPosition && next[1] >= 0.0;
        double reward = (terminated ? 100.0 : 0.0) - 0.1 * u[0] * u[0];
        return (reward, terminated);
    }
}
