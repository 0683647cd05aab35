// mj-swimmer: a three-link swimmer in a viscous fluid moves its head towards +x. Reward: forward speed of the
// head frame minus a small control penalty; the cost asks for a forward speed of 0.3 m/s.
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Residuals;

namespace Control.Robots.MuJoCo.Tasks;

/// <summary>Swim towards +x (Models/README.md, swimmer.xml).</summary>
public sealed class SwimmerTask : MuJoCoTask
{
    /// <summary>mj_steps per env step (0.04 s).</summary>
    public const int Substeps = 4;

    /// <summary>Forward speed the cost asks for (m/s).</summary>
    public const double TargetSpeed = 0.3;

    private readonly int rootX, rootRot, joint1, joint2, velocities;

    /// <summary>The task on the loaded swimmer model.</summary>
    public SwimmerTask(MuJoCoModel model) : base(model, actuators: 2, new MuJoCoDynamicsConfig { Substeps = Substeps })
    {
        (rootX, rootRot, joint1, joint2) = (QposIndex("root_x"), QposIndex("root_rot"), QposIndex("joint1"), QposIndex("joint2"));
        velocities = model.Nq;
        IStateSpace space = Dynamics.StateSpace;
        var residual = new ResidualStack(
            new StateResidual(space, 2, [QvelIndex("root_x")], [TargetSpeed]),
            new ControlResidual(space, 2));
        Cost = new ResidualCost(residual,
        [
            new ResidualTerm("speed", residual.Offset(0), 1, ResidualNorm.Quadratic, 1, 1),
            new ResidualTerm("control", residual.Offset(1), 2, ResidualNorm.Quadratic, 0.001, 0),
        ], new ResidualCostConfig { Name = "mj-swimmer" });
    }

    /// <inheritdoc />
    public override ICost Cost { get; }

    /// <inheritdoc />
    public override int ObservationSize => 9;

    /// <summary>(cos, sin heading, joint1, joint2, the five velocities).</summary>
    public override void Observe(MuJoCoData data, ReadOnlySpan<double> x, Span<double> observation)
    {
        (observation[1], observation[0]) = Math.SinCos(x[rootRot]);
        observation[2] = x[joint1];
        observation[3] = x[joint2];
        x.Slice(velocities, Model.Nv).CopyTo(observation[4..]);
    }

    /// <summary>(root_x after - root_x before) / dt - 1e-4 |u|^2 (u clipped to the control range).</summary>
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next, MuJoCoData data)
        => (next[rootX] - x[rootX]) / Dynamics.TimeStep - 1e-4 * ClippedSquaredNorm(u);

    /// <summary>qpos0 + U(-0.1, 0.1) on every coordinate, at rest.</summary>
    public override void SampleInitialState(Rng random, Span<double> x)
    {
        ReferenceState(x);
        for (int i = 0; i < Model.Nq; i++) x[i] += random.Uniform(-0.1, 0.1);
    }
}
