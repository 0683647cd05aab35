namespace Control.Core.Envs;

/// <summary>
/// An env whose task has a goal region in state space (upright and still, at the target, ...). An episode
/// succeeds when its last states are all in the region (see <see cref="GoalChecks.Succeeded"/>).
/// </summary>
public interface IGoalEnv : IStatefulEnv
{
    /// <summary>Whether <paramref name="state"/> is in the goal region.</summary>
    bool AtGoal(ReadOnlySpan<double> state);
}
