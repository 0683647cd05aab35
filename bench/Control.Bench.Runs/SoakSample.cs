namespace Control.Bench.Runs;

/// <summary>One sample of a soak phase.</summary>
/// <param name="Seconds">Time since the phase started.</param>
/// <param name="WorkingSetMb">The process's working set, MB.</param>
/// <param name="LiveHeapMb">The managed heap after a full collection (what is still referenced), MB.</param>
/// <param name="Throughput">Units (env steps, plans, control ticks) per wall-clock second over the interval before the sample.</param>
/// <param name="CpuThroughput">
/// Units per second of the process's CPU time (every thread: the work's, the GC's, the JIT's) over the same interval: what
/// a slowdown is judged on, since it does not fall when other processes take the cores.
/// </param>
public sealed record SoakSample(double Seconds, double WorkingSetMb, double LiveHeapMb, double Throughput, double CpuThroughput);
