namespace Control.Bench.Runs;

/// <summary>The PPO throughput bench.</summary>
/// <param name="ControlStepsPerSecond">Control's env steps per second after the warm-up (steady state).</param>
/// <param name="ControlColdStepsPerSecond">Control's env steps per second over the warm-up, from construction.</param>
/// <param name="TorchStepsPerSecond">PyTorch's env steps per second; null when PyTorch is unavailable.</param>
/// <param name="Ratio">Control / PyTorch, steady; null when PyTorch is unavailable.</param>
/// <param name="ColdRatio">Control / PyTorch, cold; null when PyTorch is unavailable.</param>
/// <param name="ControlEpisodeReturn">Control's recent episode return at the end.</param>
/// <param name="TorchEpisodeReturn">PyTorch's recent episode return at the end; null when none finished or PyTorch is unavailable.</param>
/// <param name="Torch">PyTorch's version; null when it is unavailable.</param>
/// <param name="TorchError">Why PyTorch is unavailable; null when it ran.</param>
/// <param name="Threads">Threads of each engine.</param>
public sealed record PpoBenchReport(double ControlStepsPerSecond, double ControlColdStepsPerSecond, double? TorchStepsPerSecond, double? Ratio,
    double? ColdRatio, double ControlEpisodeReturn, double? TorchEpisodeReturn, string? Torch, string? TorchError, int Threads);
