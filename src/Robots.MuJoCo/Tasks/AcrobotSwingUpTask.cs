// mj-acrobot-swingup: the analytic acrobot-swingup on MuJoCo (Models/acrobot-swingup.xml), the same state order
// (theta1, theta2, dtheta1, dtheta2), observation, initial states, goal and cost. The analytic env's speed clip
// is not modelled.
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Residuals;

namespace Control.Robots.MuJoCo.Tasks;

/// <summary>Swing the acrobot straight up with the elbow torque (Models/README.md, acrobot-swingup.xml).</summary>
public sealed class AcrobotSwingUpTask : MuJoCoTask
{
    private const int Theta1 = 0, Theta2 = 1, Dtheta1 = 2, Dtheta2 = 3;

    /// <summary>The task on the loaded acrobot-swingup model.</summary>
    public AcrobotSwingUpTask(MuJoCoModel model) : base(model, actuators: 1)
    {
        IStateSpace space = Dynamics.StateSpace;
        var residual = new ResidualStack(
            new FunctionResidual(space, 1, 2, (x, _, r) =>
            {
                r[0] = 2 * Math.Cos(x[Theta1] / 2);
                r[1] = 2 * Math.Cos((x[Theta1] + x[Theta2]) / 2);
            }),
            new StateResidual(space, 1, [Dtheta1, Dtheta2]),
            new ControlResidual(space, 1));
        Cost = new ResidualCost(residual,
        [
            new ResidualTerm("upright", residual.Offset(0), 2, ResidualNorm.Quadratic, 1, 10),
            new ResidualTerm("velocity", residual.Offset(1), 2, ResidualNorm.Quadratic, 0.002, 0.02),
            new ResidualTerm("control", residual.Offset(2), 1, ResidualNorm.Quadratic, 0.002, 0),
        ], new ResidualCostConfig { Name = "mj-acrobot-swingup" });
    }

    /// <inheritdoc />
    public override ICost Cost { get; }

    /// <inheritdoc />
    public override int ObservationSize => 6;

    /// <summary>(cos t1, sin t1, cos t2, sin t2, dt1, dt2).</summary>
    public override void Observe(MuJoCoData data, ReadOnlySpan<double> x, Span<double> observation)
    {
        (observation[1], observation[0]) = Math.SinCos(x[Theta1]);
        (observation[3], observation[2]) = Math.SinCos(x[Theta2]);
        observation[4] = x[Dtheta1];
        observation[5] = x[Dtheta2];
    }

    /// <inheritdoc />
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next, MuJoCoData data)
        => NegativeStageCost(x, u);

    /// <summary>All four U(-0.1, 0.1).</summary>
    public override void SampleInitialState(Rng random, Span<double> x) => random.FillUniform(x, -0.1, 0.1);

    /// <inheritdoc />
    public override bool HasGoal => true;

    /// <summary>Tip within 0.04 of its top height (2 + cos t1 + cos(t1 + t2) &lt; 0.04) and both speeds under 1 rad/s.</summary>
    public override bool AtGoal(ReadOnlySpan<double> x)
        => 2 + Math.Cos(x[Theta1]) + Math.Cos(x[Theta1] + x[Theta2]) < 0.04 && Math.Abs(x[Dtheta1]) < 1 && Math.Abs(x[Dtheta2]) < 1;
}
