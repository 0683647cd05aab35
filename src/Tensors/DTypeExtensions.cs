// Dtype names as PyTorch spells them, for messages and checkpoints.
namespace Control.Tensors;

/// <summary>Names of dtypes as PyTorch spells them.</summary>
public static class DTypeExtensions
{
    /// <summary>"float32" or "float64".</summary>
    public static string Name(this DType dtype) => dtype == DType.Float32 ? "float32" : "float64";
}
