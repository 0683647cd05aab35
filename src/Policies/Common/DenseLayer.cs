using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Common;

/// <summary>
/// One affine layer of an inference network and the activation after it: y = f(x W^T + b), W of shape
/// (Outputs, Inputs) row-major as PyTorch stores it (an ONNX Gemm with transB = 1). Immutable: it holds its own copies.
/// </summary>
public sealed class DenseLayer
{
    private readonly Tensor weight;
    private readonly Tensor? bias;

    /// <summary>A layer over copies of <paramref name="weight"/> (out, in) and <paramref name="bias"/> (out,) or null.</summary>
    /// <exception cref="ArgumentException">The shapes do not fit, or a tensor is not float32.</exception>
    public DenseLayer(Tensor weight, Tensor? bias, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 2 || weight.DType != DType.Float32)
            throw new ArgumentException($"DenseLayer: expected a float32 weight of shape (out, in), got {weight.Describe()}.");
        if (bias is not null && (bias.Rank != 1 || bias.DType != DType.Float32 || bias.Dim(0) != weight.Dim(0)))
            throw new ArgumentException($"DenseLayer: expected a float32 bias of shape ({weight.Dim(0)},), got {bias.Describe()}.");
        this.weight = weight.Keep();
        this.bias = bias?.Keep();
        Activation = activation;
    }

    /// <summary>A copy of <paramref name="linear"/> (float32, or float64 rounded to float32) followed by <paramref name="activation"/>.</summary>
    public static DenseLayer Of(Linear linear, Activation activation) => new(linear.Weight.To(DType.Float32), linear.Bias?.To(DType.Float32), activation);

    /// <summary>Input features.</summary>
    public int Inputs => weight.Dim(1);

    /// <summary>Output features.</summary>
    public int Outputs => weight.Dim(0);

    /// <summary>W, Outputs x Inputs row-major.</summary>
    public ReadOnlySpan<float> Weight => weight.Span<float>();

    /// <summary>b (Outputs values), empty when the layer has none.</summary>
    public ReadOnlySpan<float> Bias => bias is null ? default : bias.Span<float>();

    /// <summary>Whether the layer has a bias.</summary>
    public bool HasBias => bias is not null;

    /// <summary>The activation applied after the affine map (Identity for none).</summary>
    public Activation Activation { get; }

    /// <summary>f(x W^T + b) for x (B, Inputs): the same tensor operations as <see cref="Linear"/> and <see cref="ActivationLayer"/>.</summary>
    public Tensor Forward(Tensor x) => ActivationLayer.Apply(Activation, Tensor.Linear(x, weight, bias));

    /// <summary>Copies this layer's weights into <paramref name="linear"/>, which must have the same shape (float32, or float64 widened).</summary>
    /// <exception cref="InvalidDataException">The shapes differ.</exception>
    public void CopyTo(Linear linear)
    {
        if (linear.InputSize != Inputs || linear.OutputSize != Outputs || (linear.Bias is null) != (bias is null))
        {
            throw new InvalidDataException(
                $"expected a layer {linear.InputSize} -> {linear.OutputSize} {(linear.Bias is null ? "without" : "with")} bias, got {Inputs} -> {Outputs} {(bias is null ? "without" : "with")} bias");
        }
        linear.Weight.CopyFrom(weight.To(linear.Weight.DType));
        if (bias is not null) linear.Bias!.CopyFrom(bias.To(linear.Bias!.DType));
    }

    internal void Write(BinaryWriter w)
    {
        w.Write((byte)Activation);
        Checkpoint.WriteTensors(w, bias is null ? [("weight", weight)] : [("weight", weight), ("bias", bias)]);
    }

    internal static DenseLayer Read(BinaryReader r)
    {
        var activation = (Activation)r.ReadByte();
        if (!Enum.IsDefined(activation)) throw new InvalidDataException($"expected an activation, got code {(int)activation}");
        var tensors = Checkpoint.ReadTensors(r);
        if (tensors.Count is < 1 or > 2 || tensors[0].Name != "weight" || (tensors.Count == 2 && tensors[1].Name != "bias"))
            throw new InvalidDataException($"expected a layer's weight and optional bias, got [{string.Join(", ", tensors.Select(t => t.Name))}]");
        return new DenseLayer(tensors[0].Value, tensors.Count == 2 ? tensors[1].Value : null, activation);
    }
}
