// Reductions (sum, mean, max, min over all elements or one axis) and the softmax family, with gradients.
using System.Numerics;
using System.Numerics.Tensors;

namespace Control.Tensors;

public sealed partial class Tensor
{
    /// <summary>Sum of all elements (a scalar).</summary>
    public Tensor Sum()
    {
        Tensor a = this;
        Tensor y = Empty(DType, []);
        if (DType == DType.Float32) y.Span<float>()[0] = TensorPrimitives.Sum<float>(Span<float>());
        else y.Span<double>()[0] = TensorPrimitives.Sum<double>(Span<double>());
        if (!Autograd.Needed(a)) return Autograd.Check(y, "sum", a);
        int[] original = shape;
        return Autograd.Record(y, "sum", [a], g => [g.ExpandTo(original)]);
    }

    /// <summary>Sum over <paramref name="axis"/>, dropping it unless <paramref name="keepDim"/>.</summary>
    public Tensor Sum(int axis, bool keepDim = false)
    {
        int ax = NormalizeAxis(axis, "sum");
        (int outer, int inner) = OuterInner(shape, ax);
        int n = shape[ax];
        int[] kept = ShapeArray();
        kept[ax] = 1;
        Tensor y = Empty(DType, kept);
        if (DType == DType.Float32) SumAxis<float>(Span<float>(), y.Span<float>(), outer, n, inner);
        else SumAxis<double>(Span<double>(), y.Span<double>(), outer, n, inner);
        Tensor a = this;
        Tensor result = keepDim ? y : y.Reshape(Drop(shape, ax));
        if (!Autograd.Needed(a)) return Autograd.Check(result, "sum", a);
        int[] original = shape;
        return Autograd.Record(result, "sum", [a], g => [g.Reshape(kept).ExpandTo(original)]);
    }

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Sum() / Math.Max(Size, 1);

    /// <summary>Mean over <paramref name="axis"/>.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => Sum(axis, keepDim) / shape[NormalizeAxis(axis, "mean")];

    /// <summary>Largest element (a scalar); the gradient goes to the first largest element.</summary>
    public Tensor Max() => Reshape(1, Size).Max(1).Reshape();

    /// <summary>Smallest element (a scalar); the gradient goes to the first smallest element.</summary>
    public Tensor Min() => Neg().Max().Neg();

    /// <summary>Largest values over <paramref name="axis"/>; the gradient goes to the first largest element of each slice.</summary>
    public Tensor Max(int axis, bool keepDim = false)
    {
        int[] arg = ArgMax(axis);
        Tensor kept = Gather(axis, arg);
        return keepDim ? kept : kept.Reshape(Drop(shape, NormalizeAxis(axis, "max")));
    }

    /// <summary>Smallest values over <paramref name="axis"/>.</summary>
    public Tensor Min(int axis, bool keepDim = false) => Neg().Max(axis, keepDim).Neg();

    /// <summary>Index of the first largest element of each slice along <paramref name="axis"/> (laid out like the kept-dim result).</summary>
    public int[] ArgMax(int axis)
    {
        int ax = NormalizeAxis(axis, "argmax");
        (int outer, int inner) = OuterInner(shape, ax);
        int n = shape[ax];
        if (n == 0) throw new TensorException($"argmax: axis {axis} of shape {Format(shape)} is empty.");
        var result = new int[outer * inner];
        if (DType == DType.Float32) ArgMaxAxis<float>(Span<float>(), result, outer, n, inner);
        else ArgMaxAxis<double>(Span<double>(), result, outer, n, inner);
        return result;
    }

    /// <summary>log(sum(exp(x))) over <paramref name="axis"/>, computed stably.</summary>
    public Tensor LogSumExp(int axis, bool keepDim = false)
    {
        Tensor m = Max(axis, keepDim: true).Detach();
        Tensor lse = m + (this - m).Exp().Sum(axis, keepDim: true).Log();
        return keepDim ? lse : lse.Reshape(Drop(shape, NormalizeAxis(axis, "logsumexp")));
    }

    /// <summary>Softmax over <paramref name="axis"/> (default: the last).</summary>
    public Tensor Softmax(int axis = -1) => (this - LogSumExp(axis, keepDim: true)).Exp();

    /// <summary>Log-softmax over <paramref name="axis"/> (default: the last), computed stably.</summary>
    public Tensor LogSoftmax(int axis = -1) => this - LogSumExp(axis, keepDim: true);

    private static int[] Drop(int[] shape, int axis) => [.. shape[..axis], .. shape[(axis + 1)..]];

    private static void SumAxis<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) y[o] = TensorPrimitives.Sum(x.Slice(o * n, n));
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            Span<T> row = y.Slice(o * inner, inner);
            row.Clear();
            for (int k = 0; k < n; k++) TensorPrimitives.Add(row, x.Slice((o * n + k) * inner, inner), row);
        }
    }

    private static void ArgMaxAxis<T>(ReadOnlySpan<T> x, int[] result, int outer, int n, int inner) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                T bestValue = x[o * n * inner + i];
                for (int k = 1; k < n; k++)
                {
                    T v = x[(o * n + k) * inner + i];
                    if (v > bestValue || (T.IsNaN(v) && !T.IsNaN(bestValue)))
                    {
                        best = k;
                        bestValue = v;
                    }
                }
                result[o * inner + i] = best;
            }
        }
    }
}
