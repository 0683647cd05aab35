// One input row through a dense layer without building tensors: the batch-1 path of a deployed policy, where the tensor
// engine's per-call costs (a scope, the tensors of each layer, the autograd checks) outweigh a 64-64 network's few
// thousand multiply-adds. The same kernels as Tensor.Linear and the activations' tensor forms, in the same order, so
// the results equal theirs bit for bit.
using System.Runtime.CompilerServices;
using Control.Tensors.Kernels;

namespace Control.Tensors.NN;

/// <summary>Dense layers and activations on a single float32 row held in spans.</summary>
public static class SingleRow
{
    /// <summary>Whether <see cref="Activate"/> computes <paramref name="activation"/> (all but softplus).</summary>
    public static bool Supports(Activation activation) => activation is Activation.Identity or Activation.Tanh or Activation.Relu or Activation.Elu or Activation.Sigmoid;

    /// <summary>
    /// y = W x + b for one row x (in), W (out, in) row-major, b (out) or empty for none, y (out): the value
    /// <see cref="Tensor.Linear"/> gives for a (1, in) input.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Linear(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        int inputs = x.Length, outputs = y.Length;
        if (weight.Length != inputs * outputs || (bias.Length != 0 && bias.Length != outputs))
            throw new ArgumentException($"SingleRow.Linear: expected a weight of {outputs} x {inputs} = {inputs * outputs} values and a bias of {outputs} (or none), got {weight.Length} and {bias.Length}.");
        bool accumulate = bias.Length != 0;
        if (accumulate) bias.CopyTo(y);
        Gemm.Multiply(false, true, 1, outputs, inputs, x, inputs, weight, inputs, y, outputs, accumulate);
    }

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
