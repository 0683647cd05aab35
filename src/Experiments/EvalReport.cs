namespace Control.Experiments;

/// <summary>The evaluation of a checkpoint.</summary>
/// <param name="Algo">Algorithm name.</param>
/// <param name="Env">Env name.</param>
/// <param name="EnvSteps">Env steps the policy was trained for.</param>
/// <param name="EvalReturn">Mean return.</param>
/// <param name="EvalReturnStd">Standard deviation of the returns.</param>
/// <param name="Episodes">Episodes evaluated.</param>
public sealed record EvalReport(string Algo, string Env, long EnvSteps, double EvalReturn, double EvalReturnStd, int Episodes);
