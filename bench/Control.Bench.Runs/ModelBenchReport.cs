namespace Control.Bench.Runs;

/// <summary>The models bench.</summary>
/// <param name="Rows">One thread, then two.</param>
/// <param name="Torch">PyTorch's version; null when it is unavailable.</param>
/// <param name="TorchError">Why PyTorch is unavailable; null when it ran.</param>
public sealed record ModelBenchReport(IReadOnlyList<ModelBenchRow> Rows, string? Torch, string? TorchError);
