// Elementwise kernels with NumPy broadcasting: rows of the last dimension go through TensorPrimitives (SIMD),
// the outer dimensions through a 3-level loop over shapes padded to rank 4.
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Control.Tensors.Kernels;

internal static class Elementwise
{
    public static void Binary<T>(BinaryOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(a, b, y); break;
            case BinaryOp.Divide: TensorPrimitives.Divide(a, b, y); break;
            case BinaryOp.Pow: TensorPrimitives.Pow(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(a, b, y); break;
            default: TensorPrimitives.Min(a, b, y); break;
        }
    }

    public static void BinaryScalarRight<T>(BinaryOp op, ReadOnlySpan<T> a, T b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(a, b, y); break;
            case BinaryOp.Divide: TensorPrimitives.Divide(a, b, y); break;
            case BinaryOp.Pow: TensorPrimitives.Pow(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(a, b, y); break;
            default: TensorPrimitives.Min(a, b, y); break;
        }
    }

    public static void BinaryScalarLeft<T>(BinaryOp op, T a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(b, a, y); break;
            case BinaryOp.Subtract: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Multiply: TensorPrimitives.Multiply(b, a, y); break;
            case BinaryOp.Divide: TensorPrimitives.Divide(a, b, y); break;
            case BinaryOp.Pow: TensorPrimitives.Pow(a, b, y); break;
            case BinaryOp.Maximum: TensorPrimitives.Max(b, a, y); break;
            default: TensorPrimitives.Min(b, a, y); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Scalar<T>(BinaryOp op, T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Subtract => a - b,
        BinaryOp.Multiply => a * b,
        BinaryOp.Divide => a / b,
        BinaryOp.Pow => T.Pow(a, b),
        BinaryOp.Maximum => T.Max(a, b),
        _ => T.Min(a, b),
    };

    /// <summary>y = a (op) b with a, b broadcast to y's shape; shapes are padded to rank 4 by the caller.</summary>
    public static void Broadcast<T>(BinaryOp op, ReadOnlySpan<T> a, int[] aShape, ReadOnlySpan<T> b, int[] bShape, Span<T> y, int[] yShape)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length == y.Length && b.Length == y.Length)
        {
            Binary(op, a, b, y);
            return;
        }
        if (b.Length == 1 && a.Length == y.Length)
        {
            BinaryScalarRight(op, a, b[0], y);
            return;
        }
        if (a.Length == 1 && b.Length == y.Length)
        {
            BinaryScalarLeft(op, a[0], b, y);
            return;
        }
        Span<int> sa = stackalloc int[4];
        Span<int> sb = stackalloc int[4];
        Strides(aShape, yShape, sa);
        Strides(bShape, yShape, sb);
        int n3 = yShape[3];
        int row = 0;
        for (int i0 = 0; i0 < yShape[0]; i0++)
        {
            for (int i1 = 0; i1 < yShape[1]; i1++)
            {
                for (int i2 = 0; i2 < yShape[2]; i2++, row++)
                {
                    int ao = i0 * sa[0] + i1 * sa[1] + i2 * sa[2];
                    int bo = i0 * sb[0] + i1 * sb[1] + i2 * sb[2];
                    Span<T> yr = y.Slice(row * n3, n3);
                    if (sa[3] == 1 && sb[3] == 1) Binary(op, a.Slice(ao, n3), b.Slice(bo, n3), yr);
                    else if (sa[3] == 1) BinaryScalarRight(op, a.Slice(ao, n3), b[bo], yr);
                    else if (sb[3] == 1) BinaryScalarLeft(op, a[ao], b.Slice(bo, n3), yr);
                    else yr.Fill(Scalar(op, a[ao], b[bo]));
                }
            }
        }
    }

    /// <summary>y = a broadcast to y's shape (rank-4 padded shapes).</summary>
    public static void Expand<T>(ReadOnlySpan<T> a, int[] aShape, Span<T> y, int[] yShape) where T : unmanaged
    {
        Span<int> sa = stackalloc int[4];
        Strides(aShape, yShape, sa);
        int n3 = yShape[3];
        int row = 0;
        for (int i0 = 0; i0 < yShape[0]; i0++)
        {
            for (int i1 = 0; i1 < yShape[1]; i1++)
            {
                for (int i2 = 0; i2 < yShape[2]; i2++, row++)
                {
                    int ao = i0 * sa[0] + i1 * sa[1] + i2 * sa[2];
                    Span<T> yr = y.Slice(row * n3, n3);
                    if (sa[3] == 1) a.Slice(ao, n3).CopyTo(yr);
                    else yr.Fill(a[ao]);
                }
            }
        }
    }

    // Element strides of a row-major shape read as the (possibly larger) target shape: 0 along broadcast dims.
    private static void Strides(int[] shape, int[] target, Span<int> strides)
    {
        int stride = 1;
        for (int d = 3; d >= 0; d--)
        {
            strides[d] = shape[d] == 1 && target[d] != 1 ? 0 : stride;
            stride *= shape[d];
        }
    }

    /// <summary>result = g * f'(x) written from y = f(x), in one vectorized pass.</summary>
    public static void Gradient<T>(ActivationGradient kind, ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            int width = Vector512<T>.Count;
            for (; i <= y.Length - width; i += width)
            {
                Vector512<T> yi = Vector512.Create(y.Slice(i, width)), gi = Vector512.Create(g.Slice(i, width));
                Vector512<T> slope = kind == ActivationGradient.Tanh ? Vector512<T>.One - yi * yi : yi * (Vector512<T>.One - yi);
                (gi * slope).CopyTo(result.Slice(i, width));
            }
        }
        for (; i < y.Length; i++) result[i] = g[i] * (kind == ActivationGradient.Tanh ? T.One - y[i] * y[i] : y[i] * (T.One - y[i]));
    }

    public static void Unary<T>(UnaryOp op, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case UnaryOp.Negate: TensorPrimitives.Negate(x, y); break;
            case UnaryOp.Exp: TensorPrimitives.Exp(x, y); break;
            // Sine and cosine element by element through the C runtime: TensorPrimitives' vectorized versions give
            // different last bits for a few doubles in tier-0 and in tier-1 code of the same process (3 and 1 in 1,000
            // uniform angles), so a run's result would depend on when the JIT recompiled them.
            case UnaryOp.Sin:
                for (int i = 0; i < x.Length; i++) y[i] = T.Sin(x[i]);
                break;
            case UnaryOp.Cos:
                for (int i = 0; i < x.Length; i++) y[i] = T.Cos(x[i]);
                break;
            case UnaryOp.Log: TensorPrimitives.Log(x, y); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(x, y); break;
            case UnaryOp.Tanh:
                if (typeof(T) == typeof(float)) Activations.Tanh(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(y));
                else TensorPrimitives.Tanh(x, y);
                break;
            case UnaryOp.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case UnaryOp.Relu: TensorPrimitives.Max(x, T.Zero, y); break;
            case UnaryOp.Square: TensorPrimitives.Multiply(x, x, y); break;
            case UnaryOp.Reciprocal: TensorPrimitives.Divide(T.One, x, y); break;
            case UnaryOp.Positive: Step(x, y, negativeOne: false); break;
            default: Step(x, y, negativeOne: true); break;
        }
    }

    // y = 1 where x > 0, else -1 where x < 0 and negativeOne, else 0 (NaN gives 0): the masks of ReLU's and |x|'s
    // gradients. By vector compares and selects: a scalar branch per element mispredicts on the random signs of a
    // layer's pre-activations, and took 16 % of a SAC update's time at 256-256.
    private static void Step<T>(ReadOnlySpan<T> x, Span<T> y, bool negativeOne) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var minusOne = -Vector<T>.One;
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = new Vector<T>(x[i..]);
                Vector<T> step = Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<T>.Zero), Vector<T>.One, Vector<T>.Zero);
                if (negativeOne) step = Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), minusOne, step);
                step.CopyTo(y[i..]);
            }
        }
        for (; i < x.Length; i++) y[i] = x[i] > T.Zero ? T.One : negativeOne && x[i] < T.Zero ? -T.One : T.Zero;
    }
}
