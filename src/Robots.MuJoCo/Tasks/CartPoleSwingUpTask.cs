// mj-cartpole-swingup: the analytic cartpole-swingup on MuJoCo (Models/cartpole-swingup.xml reproduces its RK4
// dynamics to round-off), with the same observation, initial states, goal and cost, so the two compare directly.
// MuJoCo's state is (x, theta, xdot, thetadot); the analytic one is (x, xdot, theta, thetadot).
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Residuals;

namespace Control.Robots.MuJoCo.Tasks;

/// <summary>Swing the hanging pole up and balance it over x = 0 (Models/README.md, cartpole-swingup.xml).</summary>
public sealed class CartPoleSwingUpTask : MuJoCoTask
{
    private const int X = 0, Theta = 1, XDot = 2, ThetaDot = 3;

    /// <summary>The task on the loaded cartpole-swingup model.</summary>
    public CartPoleSwingUpTask(MuJoCoModel model) : base(model, actuators: 1)
    {
        IStateSpace space = Dynamics.StateSpace;
        var residual = new ResidualStack(
            new FunctionResidual(space, 1, 1, (x, _, r) => r[0] = 2 * Math.Sin(x[Theta] / 2)),
            new StateResidual(space, 1, [X]),
            new StateResidual(space, 1, [XDot, ThetaDot]),
            new ControlResidual(space, 1));
        Cost = new ResidualCost(residual,
        [
            new ResidualTerm("upright", residual.Offset(0), 1, ResidualNorm.Quadratic, 1, 10),
            new ResidualTerm("centre", residual.Offset(1), 1, ResidualNorm.Quadratic, 0.2, 2),
            new ResidualTerm("velocity", residual.Offset(2), 2, ResidualNorm.Quadratic, 0.02, 0.2),
            new ResidualTerm("control", residual.Offset(3), 1, ResidualNorm.Quadratic, 0.002, 0),
        ], new ResidualCostConfig { Name = "mj-cartpole-swingup" });
    }

    /// <inheritdoc />
    public override ICost Cost { get; }

    /// <inheritdoc />
    public override int ObservationSize => 5;

    /// <summary>(x, xdot, cos theta, sin theta, thetadot), as the analytic env.</summary>
    public override void Observe(MuJoCoData data, ReadOnlySpan<double> x, Span<double> observation)
    {
        observation[0] = x[X];
        observation[1] = x[XDot];
        observation[2] = Math.Cos(x[Theta]);
        observation[3] = Math.Sin(x[Theta]);
        observation[4] = x[ThetaDot];
    }

    /// <inheritdoc />
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next, MuJoCoData data)
        => NegativeStageCost(x, u);

    /// <summary>The analytic env's draw: U(-0.05, 0.05) for (x, xdot, theta, thetadot) in its order, then theta += pi.</summary>
    public override void SampleInitialState(Rng random, Span<double> x)
    {
        Span<double> analytic = stackalloc double[4];
        random.FillUniform(analytic, -0.05, 0.05);
        x[X] = analytic[0];
        x[XDot] = analytic[1];
        x[Theta] = analytic[2] + Math.PI;
        x[ThetaDot] = analytic[3];
    }

    /// <inheritdoc />
    public override bool HasGoal => true;

    /// <summary>Pole within 0.1 rad of upright turning slower than 0.5 rad/s, cart within 1 m of the origin and slower than 0.5 m/s.</summary>
    public override bool AtGoal(ReadOnlySpan<double> x)
        => Math.Abs(Math.IEEERemainder(x[Theta], 2 * Math.PI)) < 0.1 && Math.Abs(x[ThetaDot]) < 0.5
           && Math.Abs(x[X]) < 1.0 && Math.Abs(x[XDot]) < 0.5;
}
