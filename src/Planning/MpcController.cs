// Model-predictive control: any planner becomes a policy. Every ReplanEvery steps the controller shifts the
// planner's warm start by the steps taken and replans from the measured state; between replans it follows the
// plan, through the plan's feedback gains when the planner gives them (u = u_bar_t + K_t (x - x_bar_t)).
using System.Diagnostics;
using Control.Dynamics;

namespace Control.Planning;

/// <summary>Settings of <see cref="MpcController"/>.</summary>
public sealed record MpcConfig
{
    /// <summary>Steps between replans (1: replan at every step). Default 1.</summary>
    public int ReplanEvery { get; init; } = 1;

    /// <summary>Start each replan from the previous plan shifted in time (false: from the planner's cold start). Default true.</summary>
    public bool WarmStart { get; init; } = true;

    /// <summary>Between replans, correct the planned control with the plan's feedback gains when it has them. Default true.</summary>
    public bool UseFeedback { get; init; } = true;
}

/// <summary>Receding-horizon control with a planner; acts on the full state.</summary>
public sealed class MpcController : IPolicy
{
    private readonly IPlanner planner;
    private readonly MpcConfig config;
    private readonly List<double> replanSeconds = [];
    private readonly List<int> replanIterations = [];
    private int stepsSincePlan = -1;

    /// <summary>Wraps <paramref name="planner"/>; <paramref name="config"/> defaults to replanning every step with warm starts.</summary>
    public MpcController(IPlanner planner, MpcConfig? config = null)
    {
        this.planner = planner;
        this.config = config ?? new MpcConfig();
        if (this.config.ReplanEvery < 1 || this.config.ReplanEvery > planner.Horizon)
        {
            throw new ArgumentOutOfRangeException(nameof(config), this.config.ReplanEvery,
                $"MPC: expected ReplanEvery in [1, horizon = {planner.Horizon}].");
        }
    }

    /// <inheritdoc />
    public int ObservationSize => planner.Dynamics.StateSize;

    /// <inheritdoc />
    public int ActionSize => planner.Dynamics.ControlSize;

    /// <summary>The planner driven by this controller.</summary>
    public IPlanner Planner => planner;

    /// <summary>Wall-clock seconds of every replan since construction or <see cref="ClearStatistics"/>.</summary>
    public IReadOnlyList<double> ReplanSeconds => replanSeconds;

    /// <summary>Optimizer iterations of every replan since construction or <see cref="ClearStatistics"/>.</summary>
    public IReadOnlyList<int> ReplanIterations => replanIterations;

    /// <summary>The result of the last replan.</summary>
    public PlanResult LastPlan { get; private set; }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        PlannerChecks.InitialState("MPC", ObservationSize, observation);
        if (action.Length != ActionSize)
            throw new ArgumentException($"MPC: expected an action buffer of length {ActionSize}, got length {action.Length}.");

        if (stepsSincePlan < 0 || stepsSincePlan >= config.ReplanEvery)
        {
            if (stepsSincePlan < 0 || !config.WarmStart) planner.Reset();
            else planner.ShiftWarmStart(stepsSincePlan);
            long start = Stopwatch.GetTimestamp();
            LastPlan = planner.Plan(observation);
            replanSeconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            replanIterations.Add(LastPlan.Iterations);
            stepsSincePlan = 0;
        }

        Trajectory plan = LastPlan.Trajectory;
        int t = stepsSincePlan;
        plan.Control(t).CopyTo(action);
        if (config.UseFeedback && t > 0 && plan.Gains is not null)
        {
            ReadOnlySpan<double> gain = plan.Gain(t);
            ReadOnlySpan<double> xBar = plan.State(t);
            int n = ObservationSize;
            for (int i = 0; i < action.Length; i++)
            {
                double correction = 0;
                for (int j = 0; j < n; j++) correction += gain[i * n + j] * (observation[j] - xBar[j]);
                action[i] += correction;
            }
            planner.Dynamics.ControlBounds.Clip(action);
        }
        stepsSincePlan++;
    }

    /// <inheritdoc />
    public void Reset() => stepsSincePlan = -1;

    /// <summary>Clears the replan timings and iteration counts.</summary>
    public void ClearStatistics()
    {
        replanSeconds.Clear();
        replanIterations.Clear();
    }
}

/// <summary>
/// The time-varying LQR policy of a solved trajectory: u_t = u_bar_t + K_t (x - x_bar_t), clipped to the
/// model's bounds, for t = 0..H-1 (the last control and gain are held after the horizon).
/// </summary>
public sealed class TrajectoryFeedbackPolicy : IPolicy
{
    private readonly Trajectory plan;
    private readonly Box bounds;
    private int t;

    /// <summary>Follows a copy of <paramref name="trajectory"/>, which must carry gains.</summary>
    public TrajectoryFeedbackPolicy(Trajectory trajectory, Box controlBounds)
    {
        if (trajectory.Gains is null)
            throw new ArgumentException("TrajectoryFeedbackPolicy: expected a trajectory with feedback gains (from iLQR, DDP or LQR), got one without.");
        plan = new Trajectory(trajectory.Horizon, trajectory.StateSize, trajectory.ControlSize, withGains: true);
        plan.CopyFrom(trajectory);
        bounds = controlBounds;
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
        ReadOnlySpan<double> xBar = plan.State(step);
        int n = ObservationSize;
        for (int i = 0; i < action.Length; i++)
        {
            double u = plan.Control(step)[i];
            for (int j = 0; j < n; j++) u += gain[i * n + j] * (observation[j] - xBar[j]);
            action[i] = u;
        }
        bounds.Clip(action);
        t++;
    }

    /// <inheritdoc />
    public void Reset() => t = 0;
}
