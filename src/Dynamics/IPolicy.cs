// The common currency of controllers: planners wrapped as MPC, learned policies, ONNX-loaded policies and the
// control loop all map an observation to an action through this one interface.
namespace Control.Dynamics;

/// <summary>A controller: writes the action for an observation (for model-based controllers, the state).</summary>
public interface IPolicy
{
    /// <summary>Length of the observation the policy reads.</summary>
    int ObservationSize { get; }

    /// <summary>Length of the action the policy writes.</summary>
    int ActionSize { get; }

    /// <summary>Writes the action for <paramref name="observation"/> into <paramref name="action"/>.</summary>
    void Act(ReadOnlySpan<double> observation, Span<double> action);

    /// <summary>Forgets everything carried between steps (time index, warm starts) before a new episode.</summary>
    void Reset();
}

/// <summary>
/// An env whose task has a goal region in state space (upright and still, at the target, ...). An episode
/// succeeds when its last states are all in the region (see <see cref="GoalChecks.Succeeded"/>).
/// </summary>
public interface IGoalEnv : IStatefulEnv
{
    /// <summary>Whether <paramref name="state"/> is in the goal region.</summary>
    bool AtGoal(ReadOnlySpan<double> state);
}

/// <summary>The success rule shared by planners' benchmarks and the CLI.</summary>
public static class GoalChecks
{
    /// <summary>Seconds at the end of an episode during which every state must be at the goal.</summary>
    public const double HoldSeconds = 1.0;

    /// <summary>
    /// True when the last ceil(<see cref="HoldSeconds"/> / dt) entries of <paramref name="atGoal"/> (one per
    /// visited state, in order) are all true.
    /// </summary>
    public static bool Succeeded(IReadOnlyList<bool> atGoal, double timeStep)
    {
        int hold = Math.Max(1, (int)Math.Ceiling(HoldSeconds / timeStep - 1e-9));
        if (atGoal.Count < hold) return false;
        for (int i = atGoal.Count - hold; i < atGoal.Count; i++)
        {
            if (!atGoal[i]) return false;
        }
        return true;
    }
}
