using Control.Core.Envs;

namespace Control.Core.Episodes;

/// <summary>Outcome of one closed-loop episode.</summary>
/// <param name="Return">Sum of the env's rewards.</param>
/// <param name="Steps">Steps taken.</param>
/// <param name="Success">The env is an <see cref="IGoalEnv"/> and the episode ended at its goal (see <see cref="GoalChecks"/>); false otherwise.</param>
/// <param name="FinalState">The state after the last step.</param>
public readonly record struct ClosedLoopResult(double Return, int Steps, bool Success, double[] FinalState);
