// Layers: Linear (PyTorch's layout and default initialization), activations, Sequential, and the MLP builder.
using Control.Core;

namespace Control.Tensors.NN;

/// <summary>y = x W^T + b with W of shape (out, in), as torch.nn.Linear.</summary>
public sealed class Linear : Module
{
    /// <summary>
    /// A layer from <paramref name="inputs"/> to <paramref name="outputs"/> features, initialized as PyTorch does
    /// (weight and bias uniform in +-1/sqrt(inputs)) from <paramref name="rng"/>.
    /// </summary>
    public Linear(int inputs, int outputs, Rng rng, bool bias = true, DType dtype = DType.Float32)
    {
        if (inputs <= 0 || outputs <= 0) throw new ArgumentException($"Linear: expected positive sizes, got {inputs} -> {outputs}.");
        InputSize = inputs;
        OutputSize = outputs;
        double bound = 1.0 / Math.Sqrt(inputs);
        Weight = RegisterParameter("weight", Tensor.Uniform(rng, -bound, bound, dtype, outputs, inputs));
        Bias = bias ? RegisterParameter("bias", Tensor.Uniform(rng, -bound, bound, dtype, outputs)) : null;
    }

    /// <summary>Input features.</summary>
    public int InputSize { get; }

    /// <summary>Output features.</summary>
    public int OutputSize { get; }

    /// <summary>Weight (out, in).</summary>
    public Tensor Weight { get; }

    /// <summary>Bias (out,), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 2 || input.Dim(1) != InputSize)
            throw new TensorException($"Linear({InputSize} -> {OutputSize}): expected input of shape (B, {InputSize}), got {Tensor.Format(input.Shape)}.");
        return Tensor.Linear(input, Weight, Bias);
    }
}
