namespace Control.Core.Envs;

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
