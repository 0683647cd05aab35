using Control.Core.Envs;

namespace Control.Core.Episodes;

/// <summary>Outcome of one episode run by <see cref="EpisodeRunner"/>.</summary>
/// <param name="Return">Sum of the env's rewards.</param>
/// <param name="Steps">Steps taken.</param>
/// <param name="Terminated">The last step reached a terminal state.</param>
/// <param name="Truncated">The last step hit the env's time limit.</param>
/// <param name="Success">The env is an <see cref="IGoalEnv"/> with its state exposed, and the episode ended at its goal (see <see cref="GoalChecks"/>); false otherwise.</param>
public readonly record struct EpisodeResult(double Return, int Steps, bool Terminated, bool Truncated, bool Success)
{
    /// <summary>The episode ended by termination or truncation (not by the step budget).</summary>
    public bool Done => Terminated || Truncated;
}
