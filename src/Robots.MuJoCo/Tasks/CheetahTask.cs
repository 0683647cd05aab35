// mj-cheetah: a planar two-legged runner moves forwards. Reward: forward speed - 0.1 |u|^2, no termination. The
// cost asks for 3 m/s (a smooth absolute value, so a planner far from it pushes at a steady rate) at a level
// torso of standing height.
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Residuals;

namespace Control.Robots.MuJoCo.Tasks;

/// <summary>Run forwards (Models/README.md, cheetah.xml).</summary>
public sealed class CheetahTask : MuJoCoTask
{
    /// <summary>mj_steps per env step (0.01 s).</summary>
    public const int Substeps = 2;

    /// <summary>Forward speed the cost asks for (m/s).</summary>
    public const double TargetSpeed = 3.0;

    private readonly int rootX;

    /// <summary>The task on the loaded cheetah model.</summary>
    public CheetahTask(MuJoCoModel model) : base(model, actuators: 6, new MuJoCoDynamicsConfig { Substeps = Substeps })
    {
        rootX = QposIndex("rootx");
        IStateSpace space = Dynamics.StateSpace;
        var residual = new ResidualStack(
            new StateResidual(space, 6, [QvelIndex("rootx")], [TargetSpeed]),
            new StateResidual(space, 6, [QposIndex("rootz")], [0.7]),
            new StateResidual(space, 6, [QposIndex("rooty")]),
            new ControlResidual(space, 6));
        Cost = new ResidualCost(residual,
        [
            new ResidualTerm("speed", residual.Offset(0), 1, ResidualNorm.SmoothAbs(0.2), 1, 1),
            new ResidualTerm("height", residual.Offset(1), 1, ResidualNorm.Quadratic, 2, 2),
            new ResidualTerm("pitch", residual.Offset(2), 1, ResidualNorm.Quadratic, 1, 1),
            new ResidualTerm("control", residual.Offset(3), 6, ResidualNorm.Quadratic, 0.1, 0),
        ], new ResidualCostConfig { Name = "mj-cheetah" });
    }

    /// <inheritdoc />
    public override ICost Cost { get; }

    /// <inheritdoc />
    public override int ObservationSize => 17;

    /// <summary>(qpos[1..8], qvel).</summary>
    public override void Observe(MuJoCoData data, ReadOnlySpan<double> x, Span<double> observation)
    {
        x.Slice(1, Model.Nq - 1).CopyTo(observation);
        x.Slice(Model.Nq, Model.Nv).CopyTo(observation[(Model.Nq - 1)..]);
    }

    /// <summary>(rootx after - rootx before) / dt - 0.1 |u|^2 (u clipped to the control range).</summary>
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next, MuJoCoData data)
        => (next[rootX] - x[rootX]) / Dynamics.TimeStep - 0.1 * ClippedSquaredNorm(u);

    /// <summary>qpos0 + U(-0.1, 0.1), velocities U(-0.1, 0.1).</summary>
    public override void SampleInitialState(Rng random, Span<double> x)
    {
        ReferenceState(x);
        for (int i = 0; i < Model.Nq + Model.Nv; i++) x[i] += random.Uniform(-0.1, 0.1);
    }
}
