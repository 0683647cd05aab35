namespace Control.Experiments;

/// <summary>
/// Demo stage 3: batched stepping of many env copies with automatic reset. The one- and two-worker batches of an env
/// are measured side by side: both warm up for 0.5 s (the JIT's optimized code in place, the worker threads started),
/// then five timed repetitions of each alternate with the other's, and each figure is the median of its five.
/// </summary>
/// <param name="Env">Env name.</param>
/// <param name="Copies">Env copies in the batch.</param>
/// <param name="Workers">Worker threads.</param>
/// <param name="EnvSteps">Env steps timed (the five repetitions together).</param>
/// <param name="EnvStepsPerSecond">Env steps per second: the median of the five repetitions.</param>
public sealed record DemoBatch(string Env, int Copies, int Workers, long EnvSteps, double EnvStepsPerSecond);
