namespace Control.Deploy.Export.Onnx;

/// <summary>How <see cref="OnnxExporter"/> writes a policy's graph.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// The ONNX operator set of the graph, in [<see cref="Control.Deploy.Onnx.OnnxContract.MinimumOpset"/>,
    /// <see cref="Control.Deploy.Onnx.OnnxContract.DefaultOpset"/>] (13 to 17). Default 17. The IR version follows it:
    /// 7 for opsets 13 and 14, 8 for 15 to 17 (the ONNX releases that introduced them).
    /// </summary>
    public int Opset { get; init; } = Control.Deploy.Onnx.OnnxContract.DefaultOpset;

    /// <summary>A batch dimension fixed at 1 instead of the symbolic "batch" (embedded toolchains that need static shapes). Default false.</summary>
    public bool StaticBatch { get; init; }
}
