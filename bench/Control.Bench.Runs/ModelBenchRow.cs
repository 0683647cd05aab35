namespace Control.Bench.Runs;

/// <summary>The models bench on one thread count.</summary>
/// <param name="Threads">Threads of both engines.</param>
/// <param name="Epochs">Epochs of the timed fit.</param>
/// <param name="Transitions">Transitions in the data.</param>
/// <param name="ControlTransitionsPerSecond">Control's training throughput.</param>
/// <param name="TorchTransitionsPerSecond">PyTorch's training throughput; null when PyTorch is unavailable.</param>
/// <param name="Ratio">Control / PyTorch throughput; null when PyTorch is unavailable.</param>
/// <param name="ControlFinalLoss">Control's training loss of the last epoch.</param>
/// <param name="TorchFinalLoss">PyTorch's training loss of the last epoch; null when PyTorch is unavailable.</param>
public sealed record ModelBenchRow(int Threads, int Epochs, int Transitions, double ControlTransitionsPerSecond,
    double? TorchTransitionsPerSecond, double? Ratio, double ControlFinalLoss, double? TorchFinalLoss);
