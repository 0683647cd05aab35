// The double integrator: a unit point mass on a line, exactly discretized under a zero-order-hold force.
// The linear-quadratic test system of the toolkit: its LQR solution is known in closed form.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Analytic;

namespace Control.Robots.Analytic;

/// <summary>x' = A x + B u with A = [[1, dt], [0, 1]], B = [dt^2 / 2, dt]; u clipped to +-MaxForce.</summary>
public readonly record struct DoubleIntegratorEquations() : IEquations
{
    /// <summary>Seconds per step.</summary>
    public double TimeStep { get; init; } = 0.1;
    /// <summary>Force limit (N, unit mass).</summary>
    public double MaxForce { get; init; } = 1.0;

    public string Name => "double-integrator";
    public int StateSize => 2;
    public int ControlSize => 1;
    public Box ControlBounds => Box.Uniform(1, -MaxForce, MaxForce);

    public void Step<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> next) where T : unmanaged, IScalar<T>
    {
        T force = Scalar.Clamp(u[0], -MaxForce, MaxForce);
        next[0] = x[0] + TimeStep * x[1] + 0.5 * TimeStep * TimeStep * force;
        next[1] = x[1] + TimeStep * force;
    }
}

/// <summary>Quadratic cost p^2 + VelocityWeight v^2 + ControlWeight u^2; terminal TerminalScale (p^2 + VelocityWeight v^2).</summary>
public readonly record struct DoubleIntegratorCost() : IClosedFormCostTerms
{
    /// <summary>Weight of v^2.</summary>
    public double VelocityWeight { get; init; } = 0.1;
    /// <summary>Weight of u^2.</summary>
    public double ControlWeight { get; init; } = 0.01;
    /// <summary>Factor on the state part for the terminal cost.</summary>
    public double TerminalScale { get; init; } = 10.0;

    public string Name => "double-integrator";
    public int StateSize => 2;
    public int ControlSize => 1;

    public T Stage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u) where T : unmanaged, IScalar<T>
        => StatePart(x) + ControlWeight * Scalar.Square(u[0]);

    public T Terminal<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T> => TerminalScale * StatePart(x);

    private T StatePart<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T>
        => Scalar.Square(x[0]) + VelocityWeight * Scalar.Square(x[1]);

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
        d.L = scale * (x[0] * x[0] + VelocityWeight * x[1] * x[1]);
        d.Lx[0] = scale * 2 * x[0];
        d.Lx[1] = scale * 2 * VelocityWeight * x[1];
        d.Lxx[0] = scale * 2;
        d.Lxx[3] = scale * 2 * VelocityWeight;
    }
}

/// <summary>Bring the mass to rest at the origin: observation (p, v), action force in [-1, 1], reward -cost, 100 steps.</summary>
public sealed class DoubleIntegratorEnv : RobotEnv, IGoalEnv
{
    /// <summary>Within 0.05 of the origin and slower than 0.05.</summary>
    public bool AtGoal(ReadOnlySpan<double> x) => Math.Abs(x[0]) < 0.05 && Math.Abs(x[1]) < 0.05;

    /// <summary>Creates the env with the default constants unless others are given.</summary>
    public DoubleIntegratorEnv(long seed = 0, DoubleIntegratorEquations? equations = null)
        : this(equations ?? new DoubleIntegratorEquations(), seed) { }

    private DoubleIntegratorEnv(DoubleIntegratorEquations eq, long seed)
        : base("double-integrator",
            new Box([double.NegativeInfinity, double.NegativeInfinity], [double.PositiveInfinity, double.PositiveInfinity]),
            eq.ControlBounds,
            new AnalyticDynamics<DoubleIntegratorEquations>(eq),
            new AnalyticCost<DoubleIntegratorCost>(new DoubleIntegratorCost()),
            seed) { }

    public override void Observe(ReadOnlySpan<double> x, Span<double> observation) => x.CopyTo(observation);

    protected override void SampleInitialState(Span<double> x)
    {
        x[0] = Random.Uniform(-1.0, 1.0);
        x[1] = Random.Uniform(-0.5, 0.5);
    }

    protected override (double Reward, bool Terminated) Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next)
        => (NegativeStageCost(x, u), false);
}
