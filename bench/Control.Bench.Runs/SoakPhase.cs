namespace Control.Bench.Runs;

/// <summary>One phase of the soak and its verdict.</summary>
/// <param name="Name">training, planning or control-loop.</param>
/// <param name="Unit">What <see cref="SoakSample.Throughput"/> counts.</param>
/// <param name="Samples">The samples, in time order.</param>
/// <param name="HeapGrowthMb">Median live heap of the last quarter of samples less that of the second quarter, MB.</param>
/// <param name="WorkingSetGrowthMb">The same for the working set, MB.</param>
/// <param name="ThroughputRatio">Median wall-clock throughput of the last quarter over that of the second quarter (moves with the machine's load).</param>
/// <param name="CpuThroughputRatio">The same for the throughput per CPU second (<see cref="SoakSample.CpuThroughput"/>).</param>
/// <param name="Leak">Whether the live heap or the working set grew by more than <see cref="SoakBench.LeakToleranceMb"/>.</param>
/// <param name="Slowdown">Whether <see cref="CpuThroughputRatio"/> is below <see cref="SoakBench.SlowdownRatio"/>.</param>
public sealed record SoakPhase(string Name, string Unit, IReadOnlyList<SoakSample> Samples, double HeapGrowthMb, double WorkingSetGrowthMb, double ThroughputRatio,
    double CpuThroughputRatio, bool Leak, bool Slowdown);
