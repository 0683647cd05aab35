// The activations on one row held in a span, for the batch-1 path of a deployed policy (RowLayer): the activations'
// tensor kernels, so each value equals the tensor form's bit for bit.
using System.Runtime.CompilerServices;
using Control.Tensors.Kernels;

namespace Control.Tensors.NN;

/// <summary>Activations on a single float32 row held in a span.</summary>
public static class SingleRow
{
    /// <summary>Whether <see cref="Activate"/> computes <paramref name="activation"/> (all but softplus).</summary>
    public static bool Supports(Activation activation) => activation is Activation.Identity or Activation.Tanh or Activation.Relu or Activation.Elu or Activation.Sigmoid;

    /// <summary>Applies <paramref name="activation"/> to <paramref name="y"/> in place, as <see cref="ActivationLayer.Apply"/> does on a tensor.</summary>
    /// <exception cref="NotSupportedException">Softplus (see <see cref="Supports"/>).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Activate(Activation activation, Span<float> y)
    {
        switch (activation)
        {
            case Activation.Identity: return;
            case Activation.Tanh: Elementwise.Unary<float>(UnaryOp.Tanh, y, y); return;
            case Activation.Relu: Elementwise.Unary<float>(UnaryOp.Relu, y, y); return;
            case Activation.Sigmoid: Elementwise.Unary<float>(UnaryOp.Sigmoid, y, y); return;
            case Activation.Elu:
                // Tensor.Elu: where(x > 0, x, alpha (exp(min(x, 0)) - 1)) with alpha = 1.
                Span<float> negative = y.Length <= 256 ? stackalloc float[y.Length] : new float[y.Length];
                for (int i = 0; i < y.Length; i++) negative[i] = Math.Min(y[i], 0f);
                Elementwise.Unary<float>(UnaryOp.Exp, negative, negative);
                for (int i = 0; i < y.Length; i++) y[i] = y[i] > 0f ? y[i] : negative[i] - 1f;
                return;
            default: throw new NotSupportedException($"SingleRow: {activation} has no single-row form; use the tensor path.");
        }
    }
}
