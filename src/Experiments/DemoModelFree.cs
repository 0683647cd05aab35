namespace Control.Experiments;

/// <summary>Demo stage 6: PPO (clipped) on CartPole, then 20 deterministic evaluation episodes.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Algo">Algorithm name.</param>
/// <param name="EnvSteps">Env steps trained.</param>
/// <param name="EvalReturn">Mean evaluation return.</param>
/// <param name="EvalReturnStd">Standard deviation of the evaluation returns.</param>
/// <param name="StepsPerSecond">Training throughput.</param>
/// <param name="Seconds">Wall-clock seconds of the training.</param>
public sealed record DemoModelFree(string Env, string Algo, long EnvSteps, double EvalReturn, double EvalReturnStd, double StepsPerSecond, double Seconds);
