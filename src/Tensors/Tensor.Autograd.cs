// The tensor's entry points to reverse-mode differentiation: Backward and its relatives; the tape is in Autograd.cs.
namespace Control.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Computes the gradient of this scalar (or, with <paramref name="gradient"/>, of its inner product with the
    /// given upstream gradient) and adds it to <see cref="Grad"/> of every leaf that requires grad.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool createGraph = false) => Autograd.Run(this, gradient, createGraph, null, accumulate: true);

    /// <summary>The same values, cut from the graph: no gradient flows through the result (shares memory).</summary>
    public Tensor Detach() => new(Storage, Offset, ShapeArray(), DType) { Name = Name };

    internal void MarkRecorded(Node node)
    {
        GradFn = node;
        requiresGrad = true;
    }

    internal void SetFlat(int index, double value)
    {
        if (DType == DType.Float32) Span<float>()[index] = (float)value;
        else Span<double>()[index] = value;
    }

    /// <summary>this += other, in place and not recorded (gradient accumulation, optimizer updates).</summary>
    public void AddInPlace(Tensor other, double scale = 1.0)
    {
        CheckSameShape(this, other, "AddInPlace");
        if (DType == DType.Float32)
        {
            if (scale == 1.0) System.Numerics.Tensors.TensorPrimitives.Add(Span<float>(), other.Span<float>(), Span<float>());
            else System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(other.Span<float>(), (float)scale, Span<float>(), Span<float>());
        }
        else
        {
            if (scale == 1.0) System.Numerics.Tensors.TensorPrimitives.Add(Span<double>(), other.Span<double>(), Span<double>());
            else System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(other.Span<double>(), scale, Span<double>(), Span<double>());
        }
    }
}
