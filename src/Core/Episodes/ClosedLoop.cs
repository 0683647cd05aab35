// Runs a state-feedback policy (an MPC controller, an LQR or trajectory policy) on an env for one episode: the
// loop every planner benchmark and `control plan` share. The policy reads the env's true state; the env's own
// step gives the reward, so the return is exactly what the env reports.
using Control.Core.Envs;

namespace Control.Core.Episodes;

/// <summary>Closed-loop episodes of a policy that acts on the full state.</summary>
public static class ClosedLoop
{
    /// <summary>
    /// Resets <paramref name="env"/> with <paramref name="seed"/> and steps it with <paramref name="policy"/>
    /// (fed the true state) until the episode ends or <paramref name="maxSteps"/> steps were taken.
    /// </summary>
    public static ClosedLoopResult Run(IEnv env, IPolicy policy, long seed, int maxSteps = int.MaxValue)
    {
        IStatefulEnv stateful = env.Find<IStatefulEnv>() ?? throw new ArgumentException(
            $"closed loop: env '{env.Name}' does not expose its state (IStatefulEnv); a state-feedback policy cannot run on it.");
        if (policy.ObservationSize != stateful.StateSize)
            throw new ArgumentException($"closed loop: the policy reads {policy.ObservationSize} values but env '{env.Name}' has a state of {stateful.StateSize}.");
        if (maxSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "closed loop: expected at least one step.");
        IGoalEnv? goal = env.Find<IGoalEnv>();
        double timeStep = env.Find<IModelEnv>()?.Dynamics.TimeStep ?? 1.0;

        var observation = new double[env.ObservationSpace.FlatSize];
        var state = new double[stateful.StateSize];
        var action = new double[env.ActionSpace.FlatSize];
        var atGoal = new List<bool>();
        env.Reset(observation, seed);
        policy.Reset();
        double total = 0;
        int steps = 0;
        while (steps < maxSteps)
        {
            stateful.GetState(state);
            policy.Act(state, action);
            StepResult result = env.Step(action, observation);
            total += result.Reward;
            steps++;
            stateful.GetState(state);
            if (goal is not null) atGoal.Add(goal.AtGoal(state));
            if (result.Done) break;
        }
        return new ClosedLoopResult(total, steps, goal is not null && GoalChecks.Succeeded(atGoal, timeStep), state);
    }
}
