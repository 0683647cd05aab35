namespace Control.Bench.Runs;

/// <summary>One figure of the tensors bench.</summary>
/// <param name="Kind">"train" (forward, backward, Adam) or "infer" (batch-1 forward).</param>
/// <param name="Batch">Batch size.</param>
/// <param name="Threads">Threads of both engines.</param>
/// <param name="ControlUs">Control's microseconds per call.</param>
/// <param name="TorchUs">PyTorch's microseconds per call; null when PyTorch is unavailable.</param>
/// <param name="Ratio">PyTorch / Control time; null when PyTorch is unavailable.</param>
/// <param name="ControlGflops">Control's GFLOP/s.</param>
public sealed record TensorBenchRow(string Kind, int Batch, int Threads, double ControlUs, double? TorchUs, double? Ratio, double ControlGflops);
