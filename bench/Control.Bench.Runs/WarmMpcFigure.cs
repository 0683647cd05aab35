namespace Control.Bench.Runs;

/// <summary>Warm-started iLQR-MPC speed over the replans after the first.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Horizon">Planning horizon (steps).</param>
/// <param name="Seeds">Episodes.</param>
/// <param name="Successes">Episodes that ended at the goal.</param>
/// <param name="ReplanMsMean">Mean time per warm replan (ms).</param>
/// <param name="ReplansPerSecond">Warm replans per second.</param>
/// <param name="IterationsMean">Mean iterations per warm replan.</param>
public sealed record WarmMpcFigure(string Env, int Horizon, int Seeds, int Successes, double ReplanMsMean, double ReplansPerSecond, double IterationsMean);
