namespace Control.Bench.Runs;

/// <summary>The SAC update-speed bench.</summary>
/// <param name="ControlUpdatesPerSecond">Control's SAC gradient updates per second (env steps and acting included).</param>
/// <param name="TorchUpdatesPerSecond">PyTorch's updates per second (updates only); null when PyTorch is unavailable.</param>
/// <param name="Ratio">Control / PyTorch; null when PyTorch is unavailable.</param>
/// <param name="Updates">Timed updates of each engine.</param>
/// <param name="Torch">PyTorch's version; null when it is unavailable.</param>
/// <param name="TorchError">Why PyTorch is unavailable; null when it ran.</param>
/// <param name="Cpu">The processor as CPUID reports it.</param>
public sealed record SacBenchReport(double ControlUpdatesPerSecond, double? TorchUpdatesPerSecond, double? Ratio, int Updates, string? Torch, string? TorchError, string Cpu);
