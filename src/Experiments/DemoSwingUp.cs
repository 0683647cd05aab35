namespace Control.Experiments;

/// <summary>Demo stage 4: a swing-up by iLQR-MPC on the true model.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Horizon">Planning horizon (steps).</param>
/// <param name="Success">The episode ended at the goal.</param>
/// <param name="Return">Return of the episode.</param>
/// <param name="Steps">Env steps taken.</param>
/// <param name="ReplanMsMean">Mean wall-clock time per warm replan, the first (cold) one left out (ms).</param>
/// <param name="IterationsPerReplan">Mean iterations per warm-started replan (after the first).</param>
public sealed record DemoSwingUp(string Env, int Horizon, bool Success, double Return, int Steps, double ReplanMsMean, double IterationsPerReplan);
