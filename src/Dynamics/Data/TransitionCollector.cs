// Collecting transitions for learned dynamics: the first step of the model-based RL loop (run a base policy,
// record (x, u, x'), fit f(x, u) ~ x', plan through it, run the planner, append, repeat). The collector runs a
// policy, or uniform random actions, on an env for a number of steps and appends the env's STATES (not its
// observations) with the actions it was given.
using Control.Core;
using Control.Core.Envs;

namespace Control.Dynamics.Data;

/// <summary>Runs a policy on an env and appends its transitions to a <see cref="TransitionDataset"/>.</summary>
public static class TransitionCollector
{
    /// <summary>
    /// Steps <paramref name="env"/> <paramref name="steps"/> times and appends (x, u, x', reward, terminated) per
    /// step to <paramref name="into"/>, where x and x' are the states read through the env's
    /// <see cref="IStatefulEnv"/> (found along its wrapper chain) and u is the action given to <paramref name="env"/>.
    /// Actions come from <paramref name="policy"/>, fed the state, or are drawn uniformly from the action space
    /// when it is null (seeded by <paramref name="seed"/>). Episode k (from 0) is reset with seed
    /// <paramref name="seed"/> + k, and a new episode starts whenever one terminates or is truncated.
    /// Returns the return (sum of rewards) of every episode that ended within the steps; an episode still running
    /// when the steps run out is not included. Same seed and policy, same transitions and returns. If the env or
    /// the policy throws, the rows appended before the failure stay in <paramref name="into"/>.
    /// </summary>
    public static IReadOnlyList<double> Collect(IEnv env, IPolicy? policy, int steps, long seed, TransitionDataset into)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(into);
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{env.Name}: expected a number of steps >= 0");
        IStatefulEnv stateful = env.Find<IStatefulEnv>() ?? throw new ArgumentException(
            $"{env.Name}: expected an env that exposes its state (IStatefulEnv) somewhere in its wrapper chain, got {env.GetType().Name} without one.",
            nameof(env));
        int stateSize = stateful.StateSize, actionSize = env.ActionSpace.FlatSize;
        if (into.StateSize != stateSize || into.ControlSize != actionSize)
        {
            throw new ArgumentException(
                $"{env.Name}: expected a dataset of {stateSize} states and {actionSize} controls, got one of {into.StateSize} states and {into.ControlSize} controls.",
                nameof(into));
        }
        if (policy is not null && (policy.ObservationSize != stateSize || policy.ActionSize != actionSize))
        {
            throw new ArgumentException(
                $"{env.Name}: expected a policy from states of length {stateSize} to actions of length {actionSize}, got one from length {policy.ObservationSize} to length {policy.ActionSize}.",
                nameof(policy));
        }

        var returns = new List<double>();
        if (steps == 0) return returns;
        var observation = new double[env.ObservationSpace.FlatSize];
        var state = new double[stateSize];
        var nextState = new double[stateSize];
        var action = new double[actionSize];
        Rng actionRandom = new Rng(seed).Fork(0);

        long episode = 0;
        StartEpisode(env, stateful, policy, seed + episode, observation, state);
        double episodeReturn = 0;
        for (int t = 0; t < steps; t++)
        {
            if (policy is null) env.ActionSpace.Sample(actionRandom, action);
            else policy.Act(state, action);
            StepResult result = env.Step(action, observation);
            stateful.GetState(nextState);
            into.Add(state, action, nextState, result.Reward, result.Terminated);
            episodeReturn += result.Reward;
            if (result.Done)
            {
                returns.Add(episodeReturn);
                episodeReturn = 0;
                episode++;
                if (t + 1 < steps) StartEpisode(env, stateful, policy, seed + episode, observation, state);
            }
            else
            {
                nextState.CopyTo(state, 0);
            }
        }
        return returns;
    }

    private static void StartEpisode(IEnv env, IStatefulEnv stateful, IPolicy? policy, long seed, double[] observation, double[] state)
    {
        env.Reset(observation, seed);
        policy?.Reset();
        stateful.GetState(state);
    }
}
