// mj-hopper: a one-legged planar hopper hops forwards without falling. Reward: forward speed + 1 for staying up
// - 0.001 |u|^2; the episode ends when it falls (torso below 0.8 m or tilted more than 0.3 rad) or the state
// blows up. The cost asks for standing height, upright torso and 1 m/s.
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Residuals;

namespace Control.Robots.MuJoCo.Tasks;

/// <summary>Hop forwards (Models/README.md, hopper.xml).</summary>
public sealed class HopperTask : MuJoCoTask
{
    /// <summary>mj_steps per env step (0.01 s).</summary>
    public const int Substeps = 2;

    /// <summary>Torso height below which the hopper has fallen (m).</summary>
    public const double MinHeight = 0.8;

    /// <summary>Torso pitch beyond which the hopper has fallen (rad).</summary>
    public const double MaxPitch = 0.3;

    /// <summary>Entries of the state beyond this size mean it blew up.</summary>
    public const double MaxStateEntry = 100;

    private readonly int rootX, rootZ, rootY;

    /// <summary>The task on the loaded hopper model.</summary>
    public HopperTask(MuJoCoModel model) : base(model, actuators: 3, new MuJoCoDynamicsConfig { Substeps = Substeps })
    {
        (rootX, rootZ, rootY) = (QposIndex("rootx"), QposIndex("rootz"), QposIndex("rooty"));
        int[] joints = [QposIndex("hip"), QposIndex("knee"), QposIndex("ankle")];
        int[] jointSpeeds = [QvelIndex("hip"), QvelIndex("knee"), QvelIndex("ankle")];
        IStateSpace space = Dynamics.StateSpace;
        var residual = new ResidualStack(
            new StateResidual(space, 3, [rootZ], [1.2]),
            new StateResidual(space, 3, [rootY]),
            new StateResidual(space, 3, [QvelIndex("rootx")], [1.0]),
            new StateResidual(space, 3, joints),
            new StateResidual(space, 3, jointSpeeds),
            new ControlResidual(space, 3));
        Cost = new ResidualCost(residual,
        [
            new ResidualTerm("height", residual.Offset(0), 1, ResidualNorm.Quadratic, 10, 10),
            new ResidualTerm("upright", residual.Offset(1), 1, ResidualNorm.Quadratic, 5, 5),
            new ResidualTerm("speed", residual.Offset(2), 1, ResidualNorm.Quadratic, 1, 1),
            new ResidualTerm("posture", residual.Offset(3), 3, ResidualNorm.Quadratic, 0.1, 0.1),
            new ResidualTerm("joint velocity", residual.Offset(4), 3, ResidualNorm.Quadratic, 0.001, 0.001),
            new ResidualTerm("control", residual.Offset(5), 3, ResidualNorm.Quadratic, 0.01, 0),
        ], new ResidualCostConfig { Name = "mj-hopper" });
    }

    /// <inheritdoc />
    public override ICost Cost { get; }

    /// <inheritdoc />
    public override int ObservationSize => 11;

    /// <summary>(qpos[1..5], qvel clipped to [-10, 10]).</summary>
    public override void Observe(MuJoCoData data, ReadOnlySpan<double> x, Span<double> observation)
    {
        x.Slice(1, Model.Nq - 1).CopyTo(observation);
        for (int i = 0; i < Model.Nv; i++) observation[Model.Nq - 1 + i] = Math.Clamp(x[Model.Nq + i], -10, 10);
    }

    /// <summary>(rootx after - rootx before) / dt + 1 - 0.001 |u|^2 (u clipped to the control range).</summary>
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next, MuJoCoData data)
        => (next[rootX] - x[rootX]) / Dynamics.TimeStep + 1 - 0.001 * ClippedSquaredNorm(u);

    /// <summary>Fallen (torso below 0.8 m or pitched beyond 0.3 rad) or blown up (an entry non-finite or beyond 100).</summary>
    public override bool Terminated(ReadOnlySpan<double> next, MuJoCoData data)
    {
        foreach (double v in next)
            if (!double.IsFinite(v) || Math.Abs(v) > MaxStateEntry) return true;
        return next[rootZ] < MinHeight || Math.Abs(next[rootY]) > MaxPitch;
    }

    /// <summary>qpos0 + U(-0.005, 0.005), velocities U(-0.005, 0.005).</summary>
    public override void SampleInitialState(Rng random, Span<double> x)
    {
        ReferenceState(x);
        for (int i = 0; i < Model.Nq + Model.Nv; i++) x[i] += random.Uniform(-0.005, 0.005);
    }
}
