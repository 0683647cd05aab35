namespace Control.Experiments;

/// <summary>
/// Demo stage 3: batched stepping of many env copies with automatic reset, timed after a warm-up of 0.5 s (the JIT's
/// optimized code in place, the worker threads started) as the median of three repetitions.
/// </summary>
/// <param name="Env">Env name.</param>
/// <param name="Copies">Env copies in the batch.</param>
/// <param name="Workers">Worker threads.</param>
/// <param name="EnvSteps">Env steps timed (the three repetitions together).</param>
/// <param name="EnvStepsPerSecond">Env steps per second: the median of the three repetitions.</param>
public sealed record DemoBatch(string Env, int Copies, int Workers, long EnvSteps, double EnvStepsPerSecond);
