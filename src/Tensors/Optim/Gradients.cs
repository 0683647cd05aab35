namespace Control.Tensors.Optim;

/// <summary>Gradient utilities.</summary>
public static class Gradients
{
    /// <summary>
    /// Scales all gradients so that their global L2 norm is at most <paramref name="maxNorm"/> (PyTorch's
    /// clip_grad_norm_: factor maxNorm / (norm + 1e-6) when below one). Returns the norm before clipping.
    /// </summary>
    public static double ClipByGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        Tensor[] grads = parameters.Select(p => p.Grad).Where(g => g is not null).Select(g => g!).ToArray();
        double total = 0;
        foreach (Tensor g in grads)
        {
            total += g.DType == DType.Float32
                ? System.Numerics.Tensors.TensorPrimitives.SumOfSquares<float>(g.Span<float>())
                : System.Numerics.Tensors.TensorPrimitives.SumOfSquares<double>(g.Span<double>());
        }
        double norm = Math.Sqrt(total);
        double factor = maxNorm / (norm + 1e-6);
        if (factor < 1)
        {
            foreach (Tensor g in grads)
            {
                if (g.DType == DType.Float32) System.Numerics.Tensors.TensorPrimitives.Multiply(g.Span<float>(), (float)factor, g.Span<float>());
                else System.Numerics.Tensors.TensorPrimitives.Multiply(g.Span<double>(), factor, g.Span<double>());
            }
        }
        return norm;
    }
}
