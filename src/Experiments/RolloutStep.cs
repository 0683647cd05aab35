namespace Control.Experiments;

/// <summary>One step of a rollout.</summary>
/// <param name="T">Step index (0 is the first step after the reset).</param>
/// <param name="Action">The action taken.</param>
/// <param name="Observation">The observation after the step.</param>
/// <param name="Reward">The step's reward.</param>
/// <param name="Terminated">The episode ended in a terminal state.</param>
/// <param name="Truncated">The episode was cut by its time limit.</param>
public sealed record RolloutStep(int T, double[] Action, double[] Observation, double Reward, bool Terminated, bool Truncated);
