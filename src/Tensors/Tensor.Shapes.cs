// Shape ops: views where they are cheap (reshape, narrowing the leading axis), copies otherwise (transpose,
// narrowing another axis, concatenation), and gathering along an axis (Q(s, a)).
namespace Control.Tensors;

public sealed partial class Tensor
{
    /// <summary>The same elements in a new shape (a view; one dimension may be -1 to be inferred).</summary>
    public Tensor Reshape(params int[] newShape)
    {
        int[] resolved = ResolveShape(newShape);
        Tensor a = this;
        var y = new Tensor(Storage, Offset, resolved, DType);
        if (!Autograd.Needed(a)) return y;
        int[] original = shape;
        return Autograd.Record(y, "reshape", [a], g => [g.Reshape(original)]);
    }

    /// <summary>All elements in one dimension (a view).</summary>
    public Tensor Flatten() => Reshape(Size);

    /// <summary>Inserts a dimension of size one at <paramref name="axis"/> (a view).</summary>
    public Tensor Unsqueeze(int axis)
    {
        int a = axis < 0 ? axis + Rank + 1 : axis;
        if (a < 0 || a > Rank) throw new TensorException($"unsqueeze: axis {axis} is out of range for shape {Format(shape)}.");
        var s = new List<int>(shape);
        s.Insert(a, 1);
        return Reshape([.. s]);
    }

    private int[] ResolveShape(int[] newShape)
    {
        ArgumentNullException.ThrowIfNull(newShape);
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < newShape.Length; i++)
        {
            if (newShape[i] == -1)
            {
                if (inferred >= 0) throw new TensorException($"reshape: more than one -1 in {Format(newShape)}.");
                inferred = i;
            }
            else if (newShape[i] < 0)
            {
                throw new TensorException($"reshape: negative dimension in {Format(newShape)}.");
            }
            else
            {
                known *= newShape[i];
            }
        }
        int[] resolved = (int[])newShape.Clone();
        if (inferred >= 0)
        {
            if (known == 0 || Size % known != 0)
                throw new TensorException($"reshape: cannot infer -1 in {Format(newShape)} for {Size} elements of shape {Format(shape)}.");
            resolved[inferred] = (int)(Size / known);
        }
        CheckShape(resolved, "reshape");
        if (ShapeSize(resolved) != Size)
            throw new TensorException($"reshape: shape {Format(shape)} ({Size} elements) cannot become {Format(newShape)} ({ShapeSize(resolved)} elements).");
        return resolved;
    }

    /// <summary>Swaps two axes (a copy). With no arguments, transposes a matrix.</summary>
    public Tensor Transpose(int axis0 = 0, int axis1 = 1)
    {
        int a0 = NormalizeAxis(axis0, "transpose"), a1 = NormalizeAxis(axis1, "transpose");
        int[] permutation = Enumerable.Range(0, Rank).ToArray();
        (permutation[a0], permutation[a1]) = (permutation[a1], permutation[a0]);
        return Permute(permutation);
    }

    /// <summary>Reorders the axes: result axis i is input axis <paramref name="axes"/>[i] (a copy).</summary>
    public Tensor Permute(params int[] axes)
    {
        if (axes.Length != Rank || axes.Distinct().Count() != Rank || axes.Any(x => x < 0 || x >= Rank))
            throw new TensorException($"permute: expected a permutation of 0..{Rank - 1}, got ({string.Join(", ", axes)}) for shape {Format(shape)}.");
        int[] outShape = axes.Select(x => shape[x]).ToArray();
        Tensor a = this;
        Tensor y = Empty(DType, outShape);
        if (DType == DType.Float32) PermuteKernel<float>(Span<float>(), shape, axes, y.Span<float>());
        else PermuteKernel<double>(Span<double>(), shape, axes, y.Span<double>());
        if (!Autograd.Needed(a)) return y;
        int[] inverse = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++) inverse[axes[i]] = i;
        return Autograd.Record(y, "permute", [a], g => [g.Permute(inverse)]);
    }

    private static void PermuteKernel<T>(ReadOnlySpan<T> x, int[] shape, int[] axes, Span<T> y) where T : unmanaged
    {
        int rank = shape.Length;
        Span<int> inStrides = stackalloc int[4];
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            inStrides[d] = stride;
            stride *= shape[d];
        }
        // Output dims and the input stride each one walks, padded to rank 4.
        Span<int> dims = stackalloc int[4] { 1, 1, 1, 1 };
        Span<int> walk = stackalloc int[4];
        for (int i = 0; i < rank; i++)
        {
            dims[4 - rank + i] = shape[axes[i]];
            walk[4 - rank + i] = inStrides[axes[i]];
        }
        int o = 0;
        for (int i0 = 0; i0 < dims[0]; i0++)
            for (int i1 = 0; i1 < dims[1]; i1++)
                for (int i2 = 0; i2 < dims[2]; i2++)
                {
                    int baseOffset = i0 * walk[0] + i1 * walk[1] + i2 * walk[2];
                    for (int i3 = 0; i3 < dims[3]; i3++) y[o++] = x[baseOffset + i3 * walk[3]];
                }
    }

    /// <summary>Elements <paramref name="start"/> .. start + length - 1 along <paramref name="axis"/> (a view along axis 0).</summary>
    public Tensor Narrow(int axis, int start, int length)
    {
        int ax = NormalizeAxis(axis, "narrow");
        if (start < 0 || length < 0 || start + length > shape[ax])
            throw new TensorException($"narrow: range [{start}, {start + length}) is outside axis {axis} of size {shape[ax]} (shape {Format(shape)}).");
        int[] outShape = ShapeArray();
        outShape[ax] = length;
        (int outer, int inner) = OuterInner(shape, ax);
        Tensor y;
        if (ax == 0 || outer == 1)
        {
            y = new Tensor(Storage, Offset + start * inner, outShape, DType);
        }
        else
        {
            y = Empty(DType, outShape);
            if (DType == DType.Float32) CopyBlocks<float>(Span<float>(), shape[ax] * inner, start * inner, y.Span<float>(), length * inner, 0, length * inner, outer);
            else CopyBlocks<double>(Span<double>(), shape[ax] * inner, start * inner, y.Span<double>(), length * inner, 0, length * inner, outer);
        }
        Tensor a = this;
        if (!Autograd.Needed(a)) return y;
        int full = shape[ax];
        return Autograd.Record(y, "narrow", [a], g => [g.PadAlong(ax, start, full)]);
    }

    /// <summary>Row <paramref name="index"/> of the leading axis, without that axis (a view).</summary>
    public Tensor Select(int index)
    {
        if (Rank == 0) throw new TensorException("select: a scalar has no rows.");
        return Narrow(0, index, 1).Reshape(shape[1..]);
    }

    // This tensor placed at [start, start + n) of an axis of size `full`, zeros elsewhere (the gradient of Narrow).
    private Tensor PadAlong(int axis, int start, int full)
    {
        int[] outShape = ShapeArray();
        outShape[axis] = full;
        Tensor y = Zeros(DType, outShape);
        (int outer, int inner) = OuterInner(shape, axis);
        int n = shape[axis];
        if (DType == DType.Float32) CopyBlocks<float>(Span<float>(), n * inner, 0, y.Span<float>(), full * inner, start * inner, n * inner, outer);
        else CopyBlocks<double>(Span<double>(), n * inner, 0, y.Span<double>(), full * inner, start * inner, n * inner, outer);
        Tensor a = this;
        if (!Autograd.Needed(a)) return y;
        return Autograd.Record(y, "pad", [a], g => [g.Narrow(axis, start, n)]);
    }

    /// <summary>Joins tensors along an existing axis.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        if (tensors.Count == 0) throw new TensorException("concat: expected at least one tensor.");
        Tensor first = tensors[0];
        int ax = first.NormalizeAxis(axis, "concat");
        int total = 0;
        foreach (Tensor t in tensors)
        {
            CheckSameDType(first, t, "concat");
            bool fits = t.Rank == first.Rank;
            for (int d = 0; fits && d < t.Rank; d++) fits = d == ax || t.shape[d] == first.shape[d];
            if (!fits)
                throw new TensorException($"concat: shapes {Format(first.shape)} and {Format(t.shape)} differ outside axis {axis}.");
            total += t.shape[ax];
        }
        int[] outShape = first.ShapeArray();
        outShape[ax] = total;
        Tensor y = Empty(first.DType, outShape);
        (int outer, int inner) = OuterInner(outShape, ax);
        int at = 0;
        foreach (Tensor t in tensors)
        {
            int block = t.shape[ax] * inner;
            if (t.DType == DType.Float32) CopyBlocks<float>(t.Span<float>(), block, 0, y.Span<float>(), total * inner, at * inner, block, outer);
            else CopyBlocks<double>(t.Span<double>(), block, 0, y.Span<double>(), total * inner, at * inner, block, outer);
            at += t.shape[ax];
        }
        if (!tensors.Any(t => Autograd.Needed(t))) return y;
        Tensor[] inputs = [.. tensors];
        return Autograd.Record(y, "concat", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            int offset = 0;
            for (int i = 0; i < inputs.Length; i++)
            {
                int n = inputs[i].shape[ax];
                if (inputs[i].RequiresGrad) grads[i] = g.Narrow(ax, offset, n);
                offset += n;
            }
            return grads;
        });
    }

    /// <summary>Joins equally shaped tensors along a new axis.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        if (tensors.Count == 0) throw new TensorException("stack: expected at least one tensor.");
        foreach (Tensor t in tensors)
        {
            if (!t.Shape.SequenceEqual(tensors[0].Shape))
                throw new TensorException($"stack: expected equal shapes, got {Format(tensors[0].shape)} and {Format(t.shape)}.");
        }
        return Concat(tensors.Select(t => t.Unsqueeze(axis)).ToArray(), axis);
    }

    /// <summary>
    /// Picks elements along <paramref name="axis"/>: with this of shape (.., n, ..) and k = indices.Length / (outer
    /// * inner) indices per position, result[.., j, ..] = this[.., indices[.., j, ..], ..] (PyTorch's gather; e.g.
    /// Q(s, a) = q.Gather(1, actions) for q of shape (B, A) and B actions gives shape (B, 1)).
    /// </summary>
    public Tensor Gather(int axis, int[] indices)
    {
        int ax = NormalizeAxis(axis, "gather");
        (int outer, int inner) = OuterInner(shape, ax);
        if (indices.Length == 0 || indices.Length % (outer * inner) != 0)
            throw new TensorException($"gather: expected a multiple of {outer * inner} indices for axis {axis} of shape {Format(shape)}, got {indices.Length}.");
        int k = indices.Length / (outer * inner), n = shape[ax];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)n)
                throw new TensorException($"gather: index {indices[i]} at position {i} is outside axis {axis} of size {n}.");
        }
        int[] outShape = ShapeArray();
        outShape[ax] = k;
        Tensor y = Empty(DType, outShape);
        if (DType == DType.Float32) GatherKernel<float>(Span<float>(), y.Span<float>(), indices, outer, n, k, inner);
        else GatherKernel<double>(Span<double>(), y.Span<double>(), indices, outer, n, k, inner);
        Tensor a = this;
        if (!Autograd.Needed(a)) return y;
        int[] inShape = shape;
        return Autograd.Record(y, "gather", [a], g => [g.ScatterAdd(ax, indices, inShape)]);
    }

    // Zeros of `target` shape with this tensor's values added at the gathered positions (the gradient of Gather).
    private Tensor ScatterAdd(int axis, int[] indices, int[] target)
    {
        (int outer, int inner) = OuterInner(target, axis);
        int n = target[axis], k = shape[axis];
        Tensor y = Zeros(DType, target);
        if (DType == DType.Float32) ScatterKernel<float>(Span<float>(), y.Span<float>(), indices, outer, n, k, inner);
        else ScatterKernel<double>(Span<double>(), y.Span<double>(), indices, outer, n, k, inner);
        Tensor a = this;
        if (!Autograd.Needed(a)) return y;
        return Autograd.Record(y, "scatter_add", [a], g => [g.Gather(axis, indices)]);
    }

    private static void GatherKernel<T>(ReadOnlySpan<T> x, Span<T> y, int[] idx, int outer, int n, int k, int inner) where T : unmanaged
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++)
                for (int i = 0; i < inner; i++)
                {
                    int p = (o * k + j) * inner + i;
                    y[p] = x[(o * n + idx[p]) * inner + i];
                }
    }

    private static void ScatterKernel<T>(ReadOnlySpan<T> g, Span<T> y, int[] idx, int outer, int n, int k, int inner)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++)
                for (int i = 0; i < inner; i++)
                {
                    int p = (o * k + j) * inner + i;
                    y[(o * n + idx[p]) * inner + i] += g[p];
                }
    }

    // Copies `count` blocks of `length` elements from src (block stride srcStride, starting at srcStart) to dst.
    private static void CopyBlocks<T>(ReadOnlySpan<T> src, int srcStride, int srcStart, Span<T> dst, int dstStride, int dstStart, int length, int count)
        where T : unmanaged
    {
        for (int b = 0; b < count; b++) src.Slice(b * srcStride + srcStart, length).CopyTo(dst.Slice(b * dstStride + dstStart, length));
    }

    internal static (int Outer, int Inner) OuterInner(ReadOnlySpan<int> shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        return (outer, inner);
    }

    // ------------------------------------------------------------------ broadcasting helpers

    /// <summary>This tensor broadcast to <paramref name="target"/> (a copy, not recorded).</summary>
    internal Tensor ExpandRaw(int[] target)
    {
        if (Shape.SequenceEqual(target)) return this;
        BroadcastShape(shape, target, "expand");
        Tensor y = Empty(DType, target);
        if (DType == DType.Float32) Kernels.Elementwise.Expand<float>(Span<float>(), Pad4(shape), y.Span<float>(), Pad4(target));
        else Kernels.Elementwise.Expand<double>(Span<double>(), Pad4(shape), y.Span<double>(), Pad4(target));
        return y;
    }

    /// <summary>This tensor broadcast to <paramref name="target"/> (NumPy rules); the gradient sums back.</summary>
    public Tensor ExpandTo(params int[] target)
    {
        target = (int[])target.Clone();
        int[] result = BroadcastShape(shape, target, "expand");
        if (!result.AsSpan().SequenceEqual(target))
            throw new TensorException($"expand: shape {Format(shape)} does not broadcast to {Format(target)}.");
        Tensor a = this;
        Tensor y = ExpandRaw(target);
        if (!Autograd.Needed(a) || ReferenceEquals(y, a)) return y;
        int[] original = shape;
        return Autograd.Record(y, "expand", [a], g => [g.SumTo(original)]);
    }

    /// <summary>Sums over the broadcast dimensions so that the result has shape <paramref name="target"/> (the gradient of broadcasting).</summary>
    public Tensor SumTo(int[] target)
    {
        if (Shape.SequenceEqual(target)) return this;
        Tensor t = this;
        int lead = Rank - target.Length;
        if (lead < 0) throw new TensorException($"sum_to: shape {Format(shape)} cannot be reduced to {Format(target)}.");
        for (int d = 0; d < lead; d++) t = t.Sum(0);
        for (int d = 0; d < target.Length; d++)
        {
            if (target[d] == 1 && t.shape[d] != 1) t = t.Sum(d, keepDim: true);
            else if (target[d] != t.shape[d])
                throw new TensorException($"sum_to: shape {Format(shape)} cannot be reduced to {Format(target)}.");
        }
        return t;
    }
}
