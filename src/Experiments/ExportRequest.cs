namespace Control.Experiments;

/// <summary>An export of a checkpoint's policy to ONNX.</summary>
/// <param name="Checkpoint">A checkpoint written by `control train` (any algorithm that trains a policy).</param>
/// <param name="Out">The .onnx file to write (atomically, and only once ONNX Runtime has loaded the model and agrees with Control).</param>
public sealed record ExportRequest(string Checkpoint, string Out)
{
    /// <summary>ONNX opset, 13 to 17; default 17.</summary>
    public int Opset { get; init; } = 17;

    /// <summary>A batch dimension fixed to 1 (for embedded toolchains) instead of a dynamic one; default false.</summary>
    public bool StaticBatch { get; init; }

    /// <summary>Observations of the parity check of ONNX Runtime against Control's own forward pass; default 10,000.</summary>
    public int ParityObservations { get; init; } = 10_000;

    /// <summary>
    /// Largest relative difference (|diff| / max(1, |value|)) between ONNX Runtime and Control that the export accepts;
    /// above it nothing is written. Default 1e-4 (float32 rounding of different summation orders stays below ~2e-5).
    /// </summary>
    public double MaxRelativeDiff { get; init; } = 1e-4;

    /// <summary>Seed of the parity check's observations; default 0.</summary>
    public long Seed { get; init; }
}
