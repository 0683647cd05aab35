// The one episode loop of Control: planners' closed loops, policy evaluation, transition collection for learned
// models and the demo all run their episodes through it, so that reset seeding, the order of act / step / read
// state and the goal rule are written once. The runner owns its buffers: running many episodes allocates nothing
// per step or per episode (the goal record grows to the longest episode once).
using Control.Core.Envs;

namespace Control.Core.Episodes;

/// <summary>Runs episodes of a policy on one env, reusing its buffers from episode to episode.</summary>
public sealed class EpisodeRunner
{
    private readonly IStatefulEnv? stateful;
    private readonly IGoalEnv? goal;
    private readonly double timeStep;
    private readonly double[] observation, previousObservation, state, nextState, action;
    private readonly List<bool> atGoal = [];

    /// <summary>A runner for <paramref name="env"/> that feeds the policy <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">State input on an env that does not expose its state.</exception>
    public EpisodeRunner(IEnv env, PolicyInput input = PolicyInput.Observation)
    {
        Env = env ?? throw new ArgumentNullException(nameof(env));
        Input = input;
        stateful = env.Find<IStatefulEnv>();
        if (input == PolicyInput.State && stateful is null)
            throw new ArgumentException($"episode runner: env '{env.Name}' does not expose its state (IStatefulEnv); a state-feedback policy cannot run on it.", nameof(env));
        goal = stateful is null ? null : env.Find<IGoalEnv>();
        timeStep = env.Find<IModelEnv>()?.Dynamics.TimeStep ?? 1.0;
        observation = new double[env.ObservationSpace.FlatSize];
        previousObservation = new double[observation.Length];
        state = new double[stateful?.StateSize ?? 0];
        nextState = new double[state.Length];
        action = new double[env.ActionSpace.FlatSize];
    }

    /// <summary>The env the episodes run on.</summary>
    public IEnv Env { get; }

    /// <summary>What the policy reads.</summary>
    public PolicyInput Input { get; }

    /// <summary>Length of what the policy reads: the state's or the observation's.</summary>
    public int PolicyInputSize => Input == PolicyInput.State ? state.Length : observation.Length;

    /// <summary>The state after the last step (empty when the env does not expose its state).</summary>
    public ReadOnlySpan<double> FinalState => nextState;

    /// <summary>The observation after the last step.</summary>
    public ReadOnlySpan<double> FinalObservation => observation;

    /// <summary>Throws unless <paramref name="policy"/> reads what this runner feeds it and writes actions of the env's length.</summary>
    /// <exception cref="ArgumentException">The sizes do not fit; the message says which were expected and which came.</exception>
    public void CheckPolicy(IPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.ObservationSize != PolicyInputSize || policy.ActionSize != action.Length)
        {
            throw new ArgumentException(
                $"episode runner on '{Env.Name}': expected a policy from {Input.ToString().ToLowerInvariant()}s of length {PolicyInputSize} to actions of length {action.Length}, "
                + $"got one from length {policy.ObservationSize} to length {policy.ActionSize}.", nameof(policy));
        }
    }

    /// <summary>
    /// Resets the env with <paramref name="seed"/> and the policy, then steps the env with the policy's actions until
    /// the episode ends or <paramref name="maxSteps"/> steps were taken, calling <paramref name="onStep"/> after each.
    /// </summary>
    public EpisodeResult Run(IPolicy policy, long seed, int maxSteps = int.MaxValue, StepHandler? onStep = null)
    {
        if (maxSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, $"episode runner on '{Env.Name}': expected at least one step.");
        CheckPolicy(policy);
        Env.Reset(observation, seed);
        policy.Reset();
        stateful?.GetState(state);
        atGoal.Clear();
        double total = 0;
        int steps = 0;
        StepResult result = default;
        while (steps < maxSteps)
        {
            policy.Act(Input == PolicyInput.State ? state : observation, action);
            observation.CopyTo(previousObservation, 0);
            result = Env.Step(action, observation);
            total += result.Reward;
            stateful?.GetState(nextState);
            if (goal is not null) atGoal.Add(goal.AtGoal(nextState));
            onStep?.Invoke(new EpisodeStep { Index = steps, State = state, Action = action, PreviousObservation = previousObservation, Observation = observation, NextState = nextState, Result = result });
            steps++;
            if (result.Done) break;
            nextState.CopyTo(state, 0);
        }
        return new EpisodeResult(total, steps, result.Terminated, result.Truncated, goal is not null && GoalChecks.Succeeded(atGoal, timeStep));
    }
}
