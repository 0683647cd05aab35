namespace Control.Experiments;

/// <summary>Demo stage 3: batched stepping of many env copies with automatic reset.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Copies">Env copies in the batch.</param>
/// <param name="Workers">Worker threads.</param>
/// <param name="EnvSteps">Env steps timed.</param>
/// <param name="EnvStepsPerSecond">Env steps per second.</param>
public sealed record DemoBatch(string Env, int Copies, int Workers, long EnvSteps, double EnvStepsPerSecond);
