using Microsoft.ML.OnnxRuntime.Tensors;

namespace Control.Deploy.Onnx;

/// <summary>
/// One output of a policy file as the contract reads it: its element type, its values per row (0 for the int64
/// [batch] action of a Discrete space) and whether it has one row whatever the batch (a log_std vector).
/// </summary>
internal sealed record OnnxOutput(string Name, TensorElementType ElementType, int Width, bool OneRow)
{
    /// <summary>Elements of this output in a run of <paramref name="batch"/> rows.</summary>
    public int Length(int batch) => (OneRow ? 1 : batch) * Math.Max(Width, 1);

    /// <summary>The tensor shape of this output in a run of <paramref name="batch"/> rows.</summary>
    public long[] Shape(int batch) => Width == 0 ? [batch] : [OneRow ? 1 : batch, Width];
}
