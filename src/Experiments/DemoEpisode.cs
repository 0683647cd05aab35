namespace Control.Experiments;

/// <summary>Demo stage 1: one episode of an env under a random policy, and its stepping speed.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Steps">Steps of the episode.</param>
/// <param name="Return">Return of the episode.</param>
/// <param name="Terminated">The episode ended in a terminal state.</param>
/// <param name="Truncated">The episode ended at the time limit.</param>
/// <param name="StepsPerSecond">Env steps per second over 20,000 random steps (with resets).</param>
public sealed record DemoEpisode(string Env, int Steps, double Return, bool Terminated, bool Truncated, double StepsPerSecond);
