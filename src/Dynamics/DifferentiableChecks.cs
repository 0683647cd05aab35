using Control.Tensors;

namespace Control.Dynamics;

/// <summary>Shape checks of the tensors given to differentiable models and costs.</summary>
public static class DifferentiableChecks
{
    /// <summary>Throws <see cref="TensorException"/> unless <paramref name="t"/> is float64 of shape (<paramref name="rows"/>, <paramref name="columns"/>); rows &lt; 0 accepts any batch.</summary>
    public static void Matrix(string model, string what, Tensor t, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(t, what);
        string expected = rows < 0 ? $"(B, {columns})" : $"({rows}, {columns})";
        if (t.DType != DType.Float64 || t.Rank != 2 || t.Dim(1) != columns || (rows >= 0 && t.Dim(0) != rows))
            throw new TensorException($"{model}: expected {what} as float64 {expected}, got {t.Describe()}.");
    }
}
