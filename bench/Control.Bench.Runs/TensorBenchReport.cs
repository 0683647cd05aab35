namespace Control.Bench.Runs;

/// <summary>The tensors bench.</summary>
/// <param name="Rows">The figures: training at each batch then inference, on one thread then two.</param>
/// <param name="FmaPeakGflops">One core's measured float32 FMA peak (GFLOP/s).</param>
/// <param name="Cpu">The processor as CPUID reports it.</param>
/// <param name="Torch">PyTorch's version; null when it is unavailable.</param>
/// <param name="TorchError">Why PyTorch is unavailable; null when it ran.</param>
public sealed record TensorBenchReport(IReadOnlyList<TensorBenchRow> Rows, double FmaPeakGflops, string Cpu, string? Torch, string? TorchError);
