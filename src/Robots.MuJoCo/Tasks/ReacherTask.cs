// mj-reacher: a two-link arm in the plane moves its fingertip to a target drawn at reset inside its reach. The
// target is a body on two slide joints that nothing pushes, so it is part of the state and the cost reads the
// fingertip and target sites.
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Residuals;
using Control.Robots.MuJoCo.Residuals;

namespace Control.Robots.MuJoCo.Tasks;

/// <summary>Reach a random target with the fingertip (Models/README.md, reacher.xml).</summary>
public sealed class ReacherTask : MuJoCoTask
{
    /// <summary>Smallest distance of a target from the shoulder (m).</summary>
    public const double MinTargetRadius = 0.05;

    /// <summary>Largest distance of a target from the shoulder (m); the arm reaches 0.21.</summary>
    public const double MaxTargetRadius = 0.2;

    private readonly int shoulder, elbow, targetX, targetY, dshoulder, delbow, dtargetX, dtargetY;
    private readonly int fingertipSite, targetSite;
    private readonly SiteResidual fingertip;

    /// <summary>The task on the loaded reacher model.</summary>
    public ReacherTask(MuJoCoModel model) : base(model, actuators: 2)
    {
        (shoulder, elbow, targetX, targetY) = (QposIndex("shoulder"), QposIndex("elbow"), QposIndex("target_x"), QposIndex("target_y"));
        (dshoulder, delbow, dtargetX, dtargetY) = (QvelIndex("shoulder"), QvelIndex("elbow"), QvelIndex("target_x"), QvelIndex("target_y"));
        (fingertipSite, targetSite) = (model.Id(MuJoCoObject.Site, "fingertip"), model.Id(MuJoCoObject.Site, "target"));
        IStateSpace space = Dynamics.StateSpace;
        fingertip = SiteResidual.ToSite(Dynamics, "fingertip", "target", axes: [0, 1]);
        var residual = new ResidualStack(
            fingertip,
            new StateResidual(space, 2, [dshoulder, delbow]),
            new ControlResidual(space, 2));
        Cost = new ResidualCost(residual,
        [
            new ResidualTerm("distance", residual.Offset(0), 2, ResidualNorm.SmoothL2(0.01), 1, 10),
            new ResidualTerm("velocity", residual.Offset(1), 2, ResidualNorm.Quadratic, 0.001, 0.01),
            new ResidualTerm("control", residual.Offset(2), 2, ResidualNorm.Quadratic, 0.02, 0),
        ], new ResidualCostConfig { Name = "mj-reacher" });
    }

    /// <inheritdoc />
    public override ICost Cost { get; }

    /// <inheritdoc />
    public override int ObservationSize => 10;

    /// <inheritdoc />
    public override bool NeedsKinematics => true;

    /// <summary>(cos, sin shoulder, cos, sin elbow, target x, y, shoulder and elbow speeds, fingertip - target in x, y).</summary>
    public override void Observe(MuJoCoData data, ReadOnlySpan<double> x, Span<double> observation)
    {
        (observation[1], observation[0]) = Math.SinCos(x[shoulder]);
        (observation[3], observation[2]) = Math.SinCos(x[elbow]);
        observation[4] = x[targetX];
        observation[5] = x[targetY];
        observation[6] = x[dshoulder];
        observation[7] = x[delbow];
        ReadOnlySpan<double> sites = data.SitePositions;
        observation[8] = sites[3 * fingertipSite] - sites[3 * targetSite];
        observation[9] = sites[3 * fingertipSite + 1] - sites[3 * targetSite + 1];
    }

    /// <inheritdoc />
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next, MuJoCoData data)
        => NegativeStageCost(x, u);

    /// <summary>Shoulder U(-pi, pi), elbow U(-2.5, 2.5), arm speeds U(-0.1, 0.1); the target uniform in the annulus 0.05..0.2 m, at rest.</summary>
    public override void SampleInitialState(Rng random, Span<double> x)
    {
        ReferenceState(x);
        x[shoulder] = random.Uniform(-Math.PI, Math.PI);
        x[elbow] = random.Uniform(-2.5, 2.5);
        double px, py, radius;
        do
        {
            px = random.Uniform(-MaxTargetRadius, MaxTargetRadius);
            py = random.Uniform(-MaxTargetRadius, MaxTargetRadius);
            radius = Math.Sqrt(px * px + py * py);
        }
        while (radius < MinTargetRadius || radius > MaxTargetRadius);
        x[targetX] = px;
        x[targetY] = py;
        x[dshoulder] = random.Uniform(-0.1, 0.1);
        x[delbow] = random.Uniform(-0.1, 0.1);
        x[dtargetX] = 0;
        x[dtargetY] = 0;
    }

    /// <inheritdoc />
    public override bool HasGoal => true;

    /// <summary>Fingertip within 1.5 cm of the target (in the plane), arm slower than 0.5 rad/s.</summary>
    public override bool AtGoal(ReadOnlySpan<double> x)
    {
        Span<double> r = stackalloc double[2];
        Span<double> zero = stackalloc double[2];
        fingertip.Evaluate(x, zero, r);
        return Math.Sqrt(r[0] * r[0] + r[1] * r[1]) < 0.015 && Math.Abs(x[dshoulder]) < 0.5 && Math.Abs(x[delbow]) < 0.5;
    }
}
