// Collecting transitions for learned dynamics: the first step of the model-based RL loop (run a base policy,
// record (x, u, x'), fit f(x, u) ~ x', plan through it, run the planner, append, repeat). The collector runs a
// policy, or uniform random actions, on an env for a number of steps and appends the env's STATES with the actions it
// was given. Logged datasets for policy learning (fitted Q-iteration, behaviour cloning) record the env's
// OBSERVATIONS instead: the same loop with PolicyInput.Observation.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;

namespace Control.Dynamics.Data;

/// <summary>Runs a policy on an env and appends its transitions to a <see cref="TransitionDataset"/>.</summary>
public static class TransitionCollector
{
    /// <summary>
    /// Steps <paramref name="env"/> <paramref name="steps"/> times and appends (x, u, x', reward, terminated) per
    /// step to <paramref name="into"/>, where x and x' are the states read through the env's
    /// <see cref="IStatefulEnv"/> (found along its wrapper chain), or its observations when <paramref name="input"/> is
    /// <see cref="PolicyInput.Observation"/>, and u is the action given to <paramref name="env"/>.
    /// Actions come from <paramref name="policy"/>, fed what is recorded as x, or are drawn uniformly from the action
    /// space when it is null (seeded by <paramref name="seed"/>). Episode k (from 0) is reset with seed
    /// <paramref name="seed"/> + k, and a new episode starts whenever one terminates or is truncated.
    /// Returns the return (sum of rewards) of every episode that ended within the steps; an episode still running
    /// when the steps run out is not included. Same seed and policy, same transitions and returns. If the env or
    /// the policy throws, the rows appended before the failure stay in <paramref name="into"/>.
    /// </summary>
    public static IReadOnlyList<double> Collect(IEnv env, IPolicy? policy, int steps, long seed, TransitionDataset into, PolicyInput input = PolicyInput.State)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(into);
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{env.Name}: expected a number of steps >= 0");
        var runner = new EpisodeRunner(env, input);
        int stateSize = runner.PolicyInputSize, actionSize = env.ActionSpace.FlatSize;
        if (into.StateSize != stateSize || into.ControlSize != actionSize)
        {
            throw new ArgumentException(
                $"{env.Name}: expected a dataset of {stateSize} {(input == PolicyInput.State ? "states" : "observation values")} and {actionSize} controls, got one of {into.StateSize} states and {into.ControlSize} controls.",
                nameof(into));
        }
        if (policy is not null) runner.CheckPolicy(policy);

        var returns = new List<double>();
        IPolicy actor = policy ?? new RandomPolicy(env.ActionSpace, stateSize, new Rng(seed).Fork(0));
        StepHandler record = input == PolicyInput.State
            ? (in EpisodeStep step) => into.Add(step.State, step.Action, step.NextState, step.Result.Reward, step.Result.Terminated)
            : (in EpisodeStep step) => into.Add(step.PreviousObservation, step.Action, step.Observation, step.Result.Reward, step.Result.Terminated);
        for (long episode = 0, remaining = steps; remaining > 0; episode++)
        {
            EpisodeResult result = runner.Run(actor, seed + episode, (int)remaining, record);
            if (result.Done) returns.Add(result.Return);
            remaining -= result.Steps;
        }
        return returns;
    }
}
