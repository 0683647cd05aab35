using Control.Core;
using Control.Core.Envs;

namespace Control.Planning;

/// <summary>
/// The time-varying LQR policy of a solved trajectory: u_t = u_bar_t + K_t (x - x_bar_t), clipped to the
/// model's bounds, for t = 0..H-1 (the last control and gain are held after the horizon). The deviation
/// x - x_bar_t is the trajectory's <see cref="Trajectory.StateSpace"/> Difference(x_bar_t, x) (a tangent vector on a manifold).
/// </summary>
public sealed class TrajectoryFeedbackPolicy : IPolicy
{
    private readonly Trajectory plan;
    private readonly Box bounds;
    private readonly double[] deviation;
    private int t;

    /// <summary>Follows a copy of <paramref name="trajectory"/>, which must carry gains.</summary>
    public TrajectoryFeedbackPolicy(Trajectory trajectory, Box controlBounds)
    {
        if (trajectory.Gains is null)
            throw new ArgumentException("TrajectoryFeedbackPolicy: expected a trajectory with feedback gains (from iLQR, DDP or LQR), got one without.");
        plan = new Trajectory(trajectory.Horizon, trajectory.StateSize, trajectory.ControlSize, withGains: true, trajectory.StateSpace);
        plan.CopyFrom(trajectory);
        bounds = controlBounds;
        deviation = new double[plan.TangentSize];
    }

    /// <inheritdoc />
    public int ObservationSize => plan.StateSize;

    /// <inheritdoc />
    public int ActionSize => plan.ControlSize;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        PlannerChecks.InitialState("TrajectoryFeedbackPolicy", ObservationSize, observation);
        if (action.Length != ActionSize)
            throw new ArgumentException($"TrajectoryFeedbackPolicy: expected an action buffer of length {ActionSize}, got length {action.Length}.");
        int step = Math.Min(t, plan.Horizon - 1);
        ReadOnlySpan<double> gain = plan.Gain(step);
        plan.StateSpace.Difference(plan.State(step), observation, deviation);
        int nt = plan.TangentSize;
        for (int i = 0; i < action.Length; i++)
        {
            double u = plan.Control(step)[i];
            for (int j = 0; j < nt; j++) u += gain[i * nt + j] * deviation[j];
            action[i] = u;
        }
        bounds.Clip(action);
        t++;
    }

    /// <inheritdoc />
    public void Reset() => t = 0;
}
