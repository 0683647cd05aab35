// iLQR warm-started from a policy's own rollout: an expert whose label is a function of the state. At every state the
// guide (a network policy reading observations) is rolled out over the horizon on the planner's model, its controls
// become iLQR's initial guess, and a few iterations improve them; the first control of the improved plan is the
// action. Warm-started MPC answers from the plan it carried from the previous step: on the acrobot's chaotic mid-swing
// states two histories give opposite saturated torques for the same state, labels no network can fit (bench/RESULTS.md,
// "DAgger on mj-reacher and the acrobot"). Improving the guide's own trajectory keeps the label in the guide's homotopy
// class (swing this way or that), as the trajectory optimizer of "Dual Policy Iteration" (Sun et al. 2018) improves on
// the reactive policy it starts from; on the acrobot it halves the holdout loss of DAgger's fits. Before a guide is set
// (DAgger's first iteration, where the expert acts) the unguided expert answers. The gain of an action
// (IFeedbackPolicy) is the improved plan's first one, or the unguided expert's.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;

namespace Control.Planning.IterativeLqr;

/// <summary>
/// An expert reading the env's state: <see cref="Unguided"/> until <see cref="Guide"/> is set, then iLQR from the guide's
/// rollout (<see cref="IlqrConfig.MaxIterations"/> iterations, one start, one stage).
/// </summary>
public sealed class PolicyWarmStartedIlqr : IFeedbackPolicy
{
    private readonly Ilqr planner;
    private readonly IStatefulEnv observer;
    private readonly DynamicsWorkspace workspace;
    private readonly double[] state, next, guideObservation, controls;
    private IPolicy? guide;
    private bool guided, acted, improved;

    /// <summary>
    /// iLQR with <paramref name="config"/>'s horizon and iteration budget on <paramref name="dynamics"/> and
    /// <paramref name="cost"/>; <paramref name="observer"/> turns the model's states into the guide's observations (an
    /// env of its own: its observation must not disturb the env being labelled); <paramref name="unguided"/> acts while
    /// no guide is set.
    /// </summary>
    /// <exception cref="ArgumentException">The config asks for several cold starts or stages (a warm start from the guide is one start), or the sizes disagree.</exception>
    public PolicyWarmStartedIlqr(IDynamics dynamics, ICost cost, IlqrConfig config, IStatefulEnv observer, IPolicy unguided)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(config);
        this.observer = observer ?? throw new ArgumentNullException(nameof(observer));
        Unguided = unguided ?? throw new ArgumentNullException(nameof(unguided));
        if (config.ColdStarts != 1 || config.ColdStages != 1)
            throw new ArgumentException($"{nameof(PolicyWarmStartedIlqr)}: expected one cold start and one stage (the guide's rollout is the start), got {config.ColdStarts} starts and {config.ColdStages} stages.");
        if (observer.StateSize != dynamics.StateSize)
            throw new ArgumentException($"{nameof(PolicyWarmStartedIlqr)}: expected an observer of states of {dynamics.StateSize} values, got one of {observer.StateSize}.");
        if (unguided.ObservationSize != dynamics.StateSize || unguided.ActionSize != dynamics.ControlSize)
            throw new ArgumentException($"{nameof(PolicyWarmStartedIlqr)}: expected an unguided expert from {dynamics.StateSize} state values to {dynamics.ControlSize} controls, got one from {unguided.ObservationSize} to {unguided.ActionSize}.");
        planner = new Ilqr(dynamics, cost, config);
        StateSpace = dynamics.StateSpace;
        workspace = dynamics.CreateWorkspace();
        (state, next) = (new double[dynamics.StateSize], new double[dynamics.StateSize]);
        guideObservation = new double[observer.ObservationSpace.FlatSize];
        controls = new double[config.Horizon * dynamics.ControlSize];
    }

    /// <summary>The expert that acts while <see cref="Guide"/> is null.</summary>
    public IPolicy Unguided { get; }

    /// <summary>
    /// The policy whose rollout warm-starts every plan (reads the observer's observations, writes controls); null: the
    /// unguided expert acts.
    /// </summary>
    /// <exception cref="ArgumentException">The guide does not read the observer's observations or write the model's controls.</exception>
    public IPolicy? Guide
    {
        get => guide;
        set
        {
            if (value is not null && (value.ObservationSize != guideObservation.Length || value.ActionSize != ActionSize))
                throw new ArgumentException($"{nameof(PolicyWarmStartedIlqr)}: expected a guide from observations of {guideObservation.Length} values to {ActionSize} controls, got one from {value.ObservationSize} to {value.ActionSize}.");
            guide = value;
        }
    }

    /// <summary>The planner (its <see cref="Ilqr.Iterations"/> describe the last guided plan).</summary>
    public Ilqr Planner => planner;

    /// <inheritdoc />
    public int ObservationSize => planner.Dynamics.StateSize;

    /// <inheritdoc />
    public int ActionSize => planner.Dynamics.ControlSize;

    /// <inheritdoc />
    public IStateSpace StateSpace { get; }

    /// <summary>
    /// The gain of the last action: the first gain of the plan improved from the guide's rollout, or, unguided, the
    /// unguided expert's (when it is an <see cref="IFeedbackPolicy"/>). False before the first action, and when no
    /// iLQR step was accepted from the guide's rollout (its plan then carries no gains: they start cleared).
    /// </summary>
    public bool LastGain(Span<double> gain)
    {
        PlannerChecks.GainBuffer(nameof(PolicyWarmStartedIlqr), ActionSize, StateSpace.TangentSize, gain);
        if (!acted) return false;
        if (!guided) return Unguided is IFeedbackPolicy feedback && feedback.LastGain(gain);
        if (!improved) return false;
        planner.Current.Gain(0).CopyTo(gain);
        return true;
    }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        (guided, acted) = (guide is not null, true);
        if (guide is null)
        {
            Unguided.Act(observation, action);
            return;
        }
        PlannerChecks.InitialState(nameof(PolicyWarmStartedIlqr), ObservationSize, observation);

        // ---- the guide's closed-loop rollout on the model: its controls are the initial guess
        int m = ActionSize;
        IDynamics dynamics = planner.Dynamics;
        observation.CopyTo(state);
        guide.Reset();
        for (int t = 0; t < planner.Horizon; t++)
        {
            Span<double> u = controls.AsSpan(t * m, m);
            observer.Observe(state, guideObservation);
            guide.Act(guideObservation, u);
            dynamics.ControlBounds.Clip(u);
            dynamics.Step(workspace, state, u, next);
            next.CopyTo(state, 0);
        }

        // ---- improve it: iLQR from that guess alone
        planner.Reset();
        planner.SetInitialControls(controls);
        PlanResult plan = planner.Plan(observation);
        plan.Trajectory.Control(0).CopyTo(action);
        improved = false;
        for (int i = planner.Iterations.Count - plan.Iterations; i < planner.Iterations.Count; i++) improved |= planner.Iterations[i].Accepted;
    }

    /// <inheritdoc />
    public void Reset()
    {
        acted = false;
        Unguided.Reset();
    }
}
