namespace Control.Bench.Runs;

/// <summary>One sample of a soak phase.</summary>
/// <param name="Seconds">Time since the phase started.</param>
/// <param name="WorkingSetMb">The process's working set, MB.</param>
/// <param name="LiveHeapMb">The managed heap after a full collection (what is still referenced), MB.</param>
/// <param name="Throughput">Units (env steps, plans, control ticks) per second over the interval before the sample.</param>
public sealed record SoakSample(double Seconds, double WorkingSetMb, double LiveHeapMb, double Throughput);
