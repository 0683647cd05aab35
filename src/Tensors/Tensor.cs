// The tensor: dense, contiguous, row-major float32 or float64 data of rank 0-4, with the autodiff fields
// (RequiresGrad, Grad, the node that made it). Operations live in the Tensor.*.cs partial files by family;
// the tape and backward pass in Autograd.cs; memory reuse in TensorScope.cs.
using System.Globalization;
using System.Text;
using Control.Core;

namespace Control.Tensors;

/// <summary>
/// A dense row-major tensor of float32 or float64 values. Create one with the static factories
/// (<see cref="Zeros(int[])"/>, <see cref="FromArray(float[], int[])"/>, ...), combine with operators and the
/// methods of the op files, and call <see cref="Backward"/> on a scalar to fill the <see cref="Grad"/> of leaves
/// that have <see cref="RequiresGrad"/> set.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Largest supported rank.</summary>
    public const int MaxRank = 4;

    internal readonly Storage Storage;
    internal readonly int Offset;
    private readonly int[] shape;
    private bool requiresGrad;

    internal Tensor(Storage storage, int offset, int[] shape, DType dtype)
    {
        Storage = storage;
        Offset = offset;
        this.shape = shape;
        DType = dtype;
        Size = ShapeSize(shape);
    }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => shape.Length;

    /// <summary>Number of elements.</summary>
    public int Size { get; }

    /// <summary>Optional name (parameters carry theirs), used in messages.</summary>
    public string? Name { get; set; }

    /// <summary>Whether the tensor's storage was returned to its pool (the tensor can no longer be read).</summary>
    public bool IsDisposed => Storage.Data is null;

    /// <summary>The op that produced this tensor while recording; null for leaves.</summary>
    internal Node? GradFn { get; set; }

    /// <summary>Gradient accumulated here during a backward pass (internal bookkeeping of the pass).</summary>
    internal Tensor? PendingGrad { get; set; }

    /// <summary>A leaf has no recorded producer: user-created tensors and parameters.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>
    /// Whether gradients flow to this tensor. Settable on leaves only; results of recorded ops require grad when any
    /// input does.
    /// </summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (!IsLeaf && !value)
                throw new TensorException($"RequiresGrad: cannot turn off gradients of a non-leaf tensor {Describe()}; use Detach() instead.");
            requiresGrad = value;
        }
    }

    private Tensor? grad;
    private bool gradIsZero;

    /// <summary>Gradient of the last backward passes (accumulated until cleared), for leaves that require grad.</summary>
    public Tensor? Grad
    {
        get
        {
            if (gradIsZero && grad is not null)
            {
                grad.ClearData();
                gradIsZero = false;
            }
            return grad;
        }
        set
        {
            grad = value;
            gradIsZero = false;
        }
    }

    /// <summary>
    /// Makes the gradient read as zeros, keeping its buffer. The clearing is deferred: the next backward pass
    /// writes the gradient instead of adding to it, which saves a pass over memory per step.
    /// </summary>
    public void ZeroGrad()
    {
        if (grad is not null) gradIsZero = true;
    }

    /// <summary>
    /// The gradient buffer for an op that writes a gradient directly (allocated outside any scope if missing), and
    /// whether it must add to it (false when the gradient is new or was zeroed by <see cref="ZeroGrad"/>).
    /// </summary>
    internal Tensor GradBufferForWrite(out bool accumulate)
    {
        if (grad is null || grad.IsDisposed)
        {
            using (TensorScope.Suspend()) Grad = EmptyLike(this);
            accumulate = false;
            return grad!;
        }
        accumulate = !gradIsZero;
        gradIsZero = false;
        return grad;
    }

    /// <summary>Adds <paramref name="g"/> to the gradient (or writes it after <see cref="ZeroGrad"/>), allocating the buffer outside any scope.</summary>
    internal void AccumulateGrad(Tensor g)
    {
        if (grad is null || grad.IsDisposed)
        {
            using (TensorScope.Suspend())
            {
                Tensor buffer = EmptyLike(this);
                buffer.CopyFrom(g);
                Grad = buffer;
            }
        }
        else if (gradIsZero)
        {
            grad.CopyFrom(g);
            gradIsZero = false;
        }
        else
        {
            grad.AddInPlace(g);
        }
    }

    /// <summary>Dimension <paramref name="axis"/> (negative counts from the end).</summary>
    public int Dim(int axis) => shape[NormalizeAxis(axis, "Dim")];

    /// <summary>A copy of the shape.</summary>
    public int[] ShapeArray() => (int[])shape.Clone();

    // ------------------------------------------------------------------ factories

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(DType.Float32, shape);

    /// <summary>A tensor of zeros of the given dtype.</summary>
    public static Tensor Zeros(DType dtype, params int[] shape)
    {
        Tensor t = Empty(dtype, (int[])shape.Clone());
        t.ClearData();
        return t;
    }

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1.0, DType.Float32, shape);

    /// <summary>A tensor with every element equal to <paramref name="value"/>.</summary>
    public static Tensor Full(double value, DType dtype, params int[] shape)
    {
        Tensor t = Empty(dtype, (int[])shape.Clone());
        t.Fill(value);
        return t;
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full(value, dtype);

    /// <summary>A float32 tensor over a copy of <paramref name="data"/> (shape defaults to one dimension).</summary>
    public static Tensor FromArray(float[] data, params int[] shape) => FromArray<float>(data, shape, DType.Float32);

    /// <summary>A float64 tensor over a copy of <paramref name="data"/> (shape defaults to one dimension).</summary>
    public static Tensor FromArray(double[] data, params int[] shape) => FromArray<double>(data, shape, DType.Float64);

    private static Tensor FromArray<T>(T[] data, int[] shape, DType dtype) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Length == 0 && data.Length != 1) shape = [data.Length];
        if (ShapeSize(CheckShape(shape, "FromArray")) != data.Length)
            throw new TensorException($"FromArray: shape {Format(shape)} holds {ShapeSize(shape)} elements, the data has {data.Length}.");
        Tensor t = Empty(dtype, (int[])shape.Clone());
        data.AsSpan().CopyTo(t.Span<T>());
        return t;
    }

    /// <summary>Uniform samples in [low, high) from <paramref name="rng"/>.</summary>
    public static Tensor Uniform(Rng rng, double low, double high, DType dtype, params int[] shape)
    {
        Tensor t = Empty(dtype, (int[])shape.Clone());
        if (dtype == DType.Float32)
        {
            Span<float> s = t.Span<float>();
            for (int i = 0; i < s.Length; i++) s[i] = (float)rng.Uniform(low, high);
        }
        else
        {
            rng.FillUniform(t.Span<double>(), low, high);
        }
        return t;
    }

    /// <summary>Standard normal samples from <paramref name="rng"/>.</summary>
    public static Tensor Normal(Rng rng, DType dtype, params int[] shape)
    {
        Tensor t = Empty(dtype, (int[])shape.Clone());
        if (dtype == DType.Float32)
        {
            Span<float> s = t.Span<float>();
            for (int i = 0; i < s.Length; i++) s[i] = (float)rng.Normal();
        }
        else
        {
            rng.FillNormal(t.Span<double>());
        }
        return t;
    }

    /// <summary>
    /// An uninitialized tensor (from the current scope's pool when one is open). The shape array is taken as is:
    /// shapes are never mutated once they belong to a tensor, so tensors may share them.
    /// </summary>
    internal static Tensor Empty(DType dtype, int[] shape)
    {
        CheckShape(shape, "tensor");
        Storage storage = TensorScope.Allocate(dtype, ShapeSize(shape));
        return new Tensor(storage, storage.Start, shape, dtype);
    }

    /// <summary>An uninitialized tensor with the shape and dtype of <paramref name="like"/>.</summary>
    internal static Tensor EmptyLike(Tensor like)
    {
        Storage storage = TensorScope.Allocate(like.DType, like.Size);
        return new Tensor(storage, storage.Start, like.shape, like.DType);
    }

    // ------------------------------------------------------------------ data access

    /// <summary>The elements as a span of <typeparamref name="T"/> (float for Float32, double for Float64).</summary>
    public Span<T> Span<T>() where T : unmanaged
    {
        Array data = Storage.Data ?? throw new TensorException($"tensor {Describe()} was used after its TensorScope ended (its memory went back to the pool).");
        if (data is not T[] typed)
            throw new TensorException($"tensor {Describe()} holds {DType.Name()}, read as {typeof(T).Name}.");
        return typed.AsSpan(Offset, Size);
    }

    /// <summary>A copy of the elements as float (converting from float64 if needed).</summary>
    public float[] ToFloatArray() => DType == DType.Float32 ? Span<float>().ToArray() : Array.ConvertAll(Span<double>().ToArray(), v => (float)v);

    /// <summary>A copy of the elements as double (converting from float32 if needed).</summary>
    public double[] ToDoubleArray() => DType == DType.Float64 ? Span<double>().ToArray() : Array.ConvertAll(Span<float>().ToArray(), v => (double)v);

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        if (Size != 1) throw new TensorException($"Item: expected a tensor with one element, got shape {Format(shape)}.");
        return DType == DType.Float32 ? Span<float>()[0] : Span<double>()[0];
    }

    /// <summary>Element at a flat (row-major) index, as double.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public double this[int flatIndex]
    {
        get
        {
            if ((uint)flatIndex >= (uint)Size) throw new TensorException($"index {flatIndex} is outside a tensor of {Size} elements {Format(shape)}.");
            return DType == DType.Float32 ? Span<float>()[flatIndex] : Span<double>()[flatIndex];
        }
    }

    /// <summary>Sets every element to <paramref name="value"/> in place (not recorded by autodiff).</summary>
    public void Fill(double value)
    {
        if (DType == DType.Float32) Span<float>().Fill((float)value);
        else Span<double>().Fill(value);
    }

    /// <summary>Copies the values of <paramref name="source"/> (same shape and dtype) in place (not recorded).</summary>
    public void CopyFrom(Tensor source)
    {
        CheckSameShape(this, source, "CopyFrom");
        if (DType == DType.Float32) source.Span<float>().CopyTo(Span<float>());
        else source.Span<double>().CopyTo(Span<double>());
    }

    internal void ClearData()
    {
        if (DType == DType.Float32) Span<float>().Clear();
        else Span<double>().Clear();
    }

    /// <summary>A copy with its own storage, outside any scope: for values that must outlive a TensorScope.</summary>
    public Tensor Keep()
    {
        using (TensorScope.Suspend())
        {
            Tensor t = EmptyLike(this);
            t.CopyFrom(this);
            t.Name = Name;
            return t;
        }
    }

    /// <summary>Converts to <paramref name="dtype"/> (a copy; not recorded by autodiff).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        Tensor t = Empty(dtype, shape);
        if (dtype == DType.Float64)
        {
            ReadOnlySpan<float> s = Span<float>();
            Span<double> d = t.Span<double>();
            for (int i = 0; i < s.Length; i++) d[i] = s[i];
        }
        else
        {
            ReadOnlySpan<double> s = Span<double>();
            Span<float> d = t.Span<float>();
            for (int i = 0; i < s.Length; i++) d[i] = (float)s[i];
        }
        return t;
    }

    // ------------------------------------------------------------------ shape helpers

    internal static int ShapeSize(ReadOnlySpan<int> shape)
    {
        long size = 1;
        foreach (int d in shape) size *= d;
        return (int)size;
    }

    internal static int[] CheckShape(int[] shape, string op)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length > MaxRank) throw new TensorException($"{op}: rank {shape.Length} is above the supported {MaxRank} (shape {Format(shape)}).");
        long size = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new TensorException($"{op}: shape {Format(shape)} has a negative dimension.");
            size *= d;
            if (size > Array.MaxLength) throw new TensorException($"{op}: shape {Format(shape)} has too many elements.");
        }
        return shape;
    }

    internal int NormalizeAxis(int axis, string op)
    {
        int a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Math.Max(Rank, 1) || Rank == 0)
            throw new TensorException($"{op}: axis {axis} is out of range for shape {Format(shape)}.");
        return a;
    }

    internal static void CheckSameShape(Tensor a, Tensor b, string op)
    {
        CheckSameDType(a, b, op);
        if (!a.Shape.SequenceEqual(b.Shape))
            throw new TensorException($"{op}: expected equal shapes, got {Format(a.shape)} and {Format(b.shape)}.");
    }

    internal static void CheckSameDType(Tensor a, Tensor b, string op)
    {
        if (a.DType != b.DType)
            throw new TensorException($"{op}: expected tensors of one dtype, got {a.DType.Name()} {Format(a.shape)} and {b.DType.Name()} {Format(b.shape)}.");
    }

    /// <summary>"(2, 3)" style text of a shape.</summary>
    public static string Format(ReadOnlySpan<int> shape) => shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape.ToArray()) + ")";

    /// <summary>"float32 (2, 3)" plus the name if any.</summary>
    public string Describe() => (Name is null ? "" : Name + " ") + DType.Name() + " " + Format(shape);

    /// <inheritdoc />
    public override string ToString()
    {
        if (IsDisposed) return Describe() + " (disposed)";
        var sb = new StringBuilder(Describe()).Append(' ').Append('[');
        int shown = Math.Min(Size, 8);
        for (int i = 0; i < shown; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(this[i].ToString("G5", CultureInfo.InvariantCulture));
        }
        if (Size > shown) sb.Append(", ...");
        return sb.Append(']').ToString();
    }
}
