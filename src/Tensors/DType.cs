// The element types a tensor can hold.
namespace Control.Tensors;

/// <summary>Element type of a tensor.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float: the default for networks.</summary>
    Float32,

    /// <summary>64-bit IEEE float: for gradient checks and precise models.</summary>
    Float64,
}
