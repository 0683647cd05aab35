// Model-predictive control: any planner becomes a policy. Every ReplanEvery steps the controller shifts the
// planner's warm start by the steps taken and replans from the measured state; between replans it follows the
// plan, through the plan's feedback gains when the planner gives them (u = u_bar_t + K_t (x - x_bar_t), the deviation
// taken by the plan's state space: Difference(x_bar_t, x), a tangent vector on a manifold such as quaternions). The
// gain of the step it last followed is its action's local feedback (IFeedbackPolicy), which imitation uses.
using System.Diagnostics;
using Control.Core;
using Control.Core.Models;

namespace Control.Planning;

/// <summary>Receding-horizon control with a planner; acts on the full state.</summary>
public sealed class MpcController : IFeedbackPolicy
{
    private readonly IPlanner planner;
    private readonly MpcConfig config;
    private readonly List<double> replanSeconds = [];
    private readonly List<int> replanIterations = [];
    private readonly IStateSpace stateSpace;
    private double[] deviation;
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
        if (this.config.StatisticsWindow < 1)
            throw new ArgumentOutOfRangeException(nameof(config), this.config.StatisticsWindow, "MPC: expected a StatisticsWindow of at least 1 replan.");
        stateSpace = planner.Dynamics.StateSpace;
        deviation = new double[stateSpace.TangentSize];
    }

    /// <inheritdoc />
    public int ObservationSize => planner.Dynamics.StateSize;

    /// <inheritdoc />
    public int ActionSize => planner.Dynamics.ControlSize;

    /// <summary>The planner driven by this controller.</summary>
    public IPlanner Planner => planner;

    /// <summary>
    /// Wall-clock seconds of the replans since construction or <see cref="ClearStatistics"/>, oldest first: all of
    /// them up to 2 x <see cref="MpcConfig.StatisticsWindow"/>, then the most recent (at least the window's size).
    /// </summary>
    public IReadOnlyList<double> ReplanSeconds => replanSeconds;

    /// <summary>Optimizer iterations of the same replans as <see cref="ReplanSeconds"/>.</summary>
    public IReadOnlyList<int> ReplanIterations => replanIterations;

    /// <summary>Replans since construction or <see cref="ClearStatistics"/>, including those dropped from the window.</summary>
    public long ReplanCount { get; private set; }

    /// <summary>The result of the last replan.</summary>
    public PlanResult LastPlan { get; private set; }

    /// <inheritdoc />
    public IStateSpace StateSpace => stateSpace;

    /// <summary>
    /// K_t of the plan step the last action followed: at a replan (t = 0) the plan's first gain, the derivative of the
    /// converged plan's first control with respect to its start state; between replans the gain it applied. False
    /// before the first action, when the planner gives no gains (sampling planners), or between replans without
    /// <see cref="MpcConfig.UseFeedback"/> (the action then does not depend on the state).
    /// </summary>
    public bool LastGain(Span<double> gain)
    {
        PlannerChecks.GainBuffer("MPC", ActionSize, stateSpace.TangentSize, gain);
        int t = stepsSincePlan - 1;
        Trajectory? plan = LastPlan.Trajectory;
        if (t < 0 || plan?.Gains is null || (t > 0 && !config.UseFeedback)) return false;
        plan.Gain(t).CopyTo(gain);
        return true;
    }

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
            ReplanCount++;
            if (replanSeconds.Count >= 2 * config.StatisticsWindow)
            {
                int dropped = replanSeconds.Count - config.StatisticsWindow;
                replanSeconds.RemoveRange(0, dropped);
                replanIterations.RemoveRange(0, dropped);
            }
            stepsSincePlan = 0;
        }

        Trajectory plan = LastPlan.Trajectory;
        int t = stepsSincePlan;
        plan.Control(t).CopyTo(action);
        if (config.UseFeedback && t > 0 && plan.Gains is not null)
        {
            ReadOnlySpan<double> gain = plan.Gain(t);
            int nt = plan.TangentSize;
            if (deviation.Length != nt) deviation = new double[nt];
            plan.StateSpace.Difference(plan.State(t), observation, deviation);
            for (int i = 0; i < action.Length; i++)
            {
                double correction = 0;
                for (int j = 0; j < nt; j++) correction += gain[i * nt + j] * deviation[j];
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
        ReplanCount = 0;
    }
}
