// One float row x through a dense layer, y = x W^T + b (then tanh, when asked): the batch-1 kernels of a deployed policy
// (RowLayer), called directly rather than through the GEMM's shape dispatch, whose per-call cost exceeds a small
// layer's multiply-adds.
//  - By columns, for layers at least one vector wide: W^T (in, out) row-major, y as the sum of the scaled rows
//    x_i W^T[i, .], the outputs in vector registers and x_i broadcast, no lane sums. Every output is
//    b_j + ((a_j + b_j') + (c_j + d_j)), a_j .. d_j the fused multiply-add chains over the inputs i = 0, 1, 2, 3 mod 4 in
//    order (four chains: a small layer's time is their latency): the same operations in every lane, so an output's
//    pre-activation value depends neither on the vector width nor on the block it falls in.
//  - By rows, for narrower layers (an action or value head): W (out, in), each output b_j + the lane sum of two vector
//    chains over x and W's row j, then the inputs past the last whole vector added one by one.
// The tanh is applied in registers before the store, with Activations' kernels split as they split a span at the widest
// accelerated width (whole vectors from the start with the vector formula, the rest with MathF.Tanh), so it gives
// SingleRow.Activate's bits there; a layer whose width is not a multiple of the vector can therefore differ in the last
// bits of its tanh between an AVX-512 and an AVX2 machine.
// The kernels are generic over the vector (Vector512, Vector256 or scalar) as the GEMM's are, the widest accelerated one
// chosen once; MultiplyWith forces a width, for tests, as Gemm.MultiplyWith does. They take raw pointers:
// RowLayer keeps its arrays pinned and checks the lengths once.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Control.Tensors.Kernels;

/// <summary>y = x W^T + b, optionally followed by tanh, for one float row.</summary>
internal static unsafe class RowKernels
{
    /// <summary>Lanes of the widest accelerated float vector (16, 8, or 1 without one): layers at least this wide run by columns.</summary>
    public static readonly int VectorWidth = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 1;

    private static readonly int DefaultVectorBits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 0;

    /// <summary>y = x W^T + b (then tanh) with W^T (in, out) row-major; <paramref name="b"/> null for no bias.</summary>
    public static void ByColumns(float* x, int k, float* w, float* b, float* y, int n, bool tanh) => Multiply(true, x, k, w, b, y, n, tanh, DefaultVectorBits);

    /// <summary>y = x W^T + b (then tanh) with W (out, in) row-major; <paramref name="b"/> null for no bias.</summary>
    public static void ByRows(float* x, int k, float* w, float* b, float* y, int n, bool tanh) => Multiply(false, x, k, w, b, y, n, tanh, DefaultVectorBits);

    /// <summary>
    /// <see cref="ByColumns"/> (<paramref name="weight"/> W^T) or <see cref="ByRows"/> (W) on spans with the vector width
    /// forced (512, 256 or 0 for scalar); <paramref name="bias"/> empty for none. A tanh after the rows kernel keeps the
    /// widest width.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit.</exception>
    internal static void MultiplyWith(bool byColumns, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, bool tanh, int vectorBits)
    {
        Check(x.Length, y.Length, weight.Length, bias.Length);
        fixed (float* px = x)
        fixed (float* pw = weight)
        fixed (float* pb = bias)
        fixed (float* py = y)
            Multiply(byColumns, px, x.Length, pw, pb, py, y.Length, tanh, vectorBits);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(bool byColumns, float* x, int k, float* w, float* b, float* y, int n, bool tanh, int vectorBits)
    {
        switch (vectorBits)
        {
            case 512: Layout<Vector512<float>, V512<float>>(byColumns, x, k, w, b, y, n, tanh); break;
            case 256: Layout<Vector256<float>, V256<float>>(byColumns, x, k, w, b, y, n, tanh); break;
            default: Layout<float, VScalar<float>>(byColumns, x, k, w, b, y, n, tanh); break;
        }
        if (!byColumns && tanh) Activations.Tanh(new ReadOnlySpan<float>(y, n), new Span<float>(y, n));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Layout<TV, TO>(bool byColumns, float* x, int k, float* w, float* b, float* y, int n, bool tanh)
        where TV : struct
        where TO : struct, IVec<TV, float>
    {
        if (byColumns) Columns<TV, TO>(x, k, w, b, y, n, tanh);
        else Rows<TV, TO>(x, k, w, b, y, n);
    }

    private static void Check(int inputs, int outputs, int weight, int bias)
    {
        if (weight != (long)inputs * outputs || (bias != 0 && bias != outputs))
            throw new ArgumentException($"RowKernels: expected a weight of {outputs} x {inputs} = {(long)inputs * outputs} values and a bias of {outputs} (or none), got {weight} and {bias}.");
    }

    // Blocks of four vectors of outputs (with 32 vector registers; two with 16), then of two, then single vectors, then the
    // rest one lane at a time (the same operations): a 64-64 layer is one block of four 512-bit vectors.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns<TV, TO>(float* x, int k, float* w, float* b, float* y, int n, bool tanh)
        where TV : struct
        where TO : struct, IVec<TV, float>
    {
        int W = TO.Count, j = 0;
        if (W >= 16)
            for (; j + 4 * W <= n; j += 4 * W) ColumnBlock<TV, TO, Gemm.C4>(x, k, w + j, n, b == null ? null : b + j, y + j, tanh);
        for (; j + 2 * W <= n; j += 2 * W) ColumnBlock<TV, TO, Gemm.C2>(x, k, w + j, n, b == null ? null : b + j, y + j, tanh);
        for (; j + W <= n; j += W) ColumnBlock<TV, TO, Gemm.C1>(x, k, w + j, n, b == null ? null : b + j, y + j, tanh);
        for (; j < n; j++) ColumnBlock<float, VScalar<float>, Gemm.C1>(x, k, w + j, n, b == null ? null : b + j, y + j, tanh);
    }

    // N vectors of outputs (N = 1, 2 or 4) at w (row stride n): four chains each, over the inputs i = 0, 1, 2, 3 mod 4.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnBlock<TV, TO, TN>(float* x, int k, float* w, nint n, float* b, float* y, bool tanh)
        where TV : struct
        where TO : struct, IVec<TV, float>
        where TN : struct, Gemm.IConst
    {
        int N = TN.Value;
        nint W = TO.Count;
        TV a0 = TO.Zero, a1 = TO.Zero, a2 = TO.Zero, a3 = TO.Zero, b0 = TO.Zero, b1 = TO.Zero, b2 = TO.Zero, b3 = TO.Zero;
        TV c0 = TO.Zero, c1 = TO.Zero, c2 = TO.Zero, c3 = TO.Zero, d0 = TO.Zero, d1 = TO.Zero, d2 = TO.Zero, d3 = TO.Zero;
        int i = 0;
        for (; i + 3 < k; i += 4, w += 4 * n)
        {
            Step<TV, TO, TN>(x[i], w, W, ref a0, ref a1, ref a2, ref a3);
            Step<TV, TO, TN>(x[i + 1], w + n, W, ref b0, ref b1, ref b2, ref b3);
            Step<TV, TO, TN>(x[i + 2], w + 2 * n, W, ref c0, ref c1, ref c2, ref c3);
            Step<TV, TO, TN>(x[i + 3], w + 3 * n, W, ref d0, ref d1, ref d2, ref d3);
        }
        if (i < k) Step<TV, TO, TN>(x[i], w, W, ref a0, ref a1, ref a2, ref a3);
        if (i + 1 < k) Step<TV, TO, TN>(x[i + 1], w + n, W, ref b0, ref b1, ref b2, ref b3);
        if (i + 2 < k) Step<TV, TO, TN>(x[i + 2], w + 2 * n, W, ref c0, ref c1, ref c2, ref c3);
        Store<TV, TO>(y, b, TO.Add(TO.Add(a0, b0), TO.Add(c0, d0)), tanh);
        if (N > 1) Store<TV, TO>(y + W, b == null ? null : b + W, TO.Add(TO.Add(a1, b1), TO.Add(c1, d1)), tanh);
        if (N > 2)
        {
            Store<TV, TO>(y + 2 * W, b == null ? null : b + 2 * W, TO.Add(TO.Add(a2, b2), TO.Add(c2, d2)), tanh);
            Store<TV, TO>(y + 3 * W, b == null ? null : b + 3 * W, TO.Add(TO.Add(a3, b3), TO.Add(c3, d3)), tanh);
        }
    }

    // One chain's step: s_v += x_i W^T[i, v W .. (v + 1) W) for the block's N vectors v.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TV, TO, TN>(float xi, float* w, nint W, ref TV s0, ref TV s1, ref TV s2, ref TV s3)
        where TV : struct
        where TO : struct, IVec<TV, float>
        where TN : struct, Gemm.IConst
    {
        int N = TN.Value;
        TV v = TO.Broadcast(xi);
        s0 = TO.Fma(v, TO.Load(w), s0);
        if (N > 1) s1 = TO.Fma(v, TO.Load(w + W), s1);
        if (N > 2)
        {
            s2 = TO.Fma(v, TO.Load(w + 2 * W), s2);
            s3 = TO.Fma(v, TO.Load(w + 3 * W), s3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV, TO>(float* y, float* b, TV sum, bool tanh)
        where TV : struct
        where TO : struct, IVec<TV, float>
    {
        TV v = b == null ? sum : TO.Add(TO.Load(b), sum);
        TO.Store(y, tanh ? Tanh(v) : v);
    }

    // The tanh of Activations for each vector type: its vector formula on whole vectors, MathF.Tanh on single lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Tanh<TV>(TV v) where TV : struct
    {
        if (typeof(TV) == typeof(Vector512<float>))
        {
            Vector512<float> t = Activations.Tanh(Unsafe.As<TV, Vector512<float>>(ref v));
            return Unsafe.As<Vector512<float>, TV>(ref t);
        }
        if (typeof(TV) == typeof(Vector256<float>))
        {
            Vector256<float> t = Activations.Tanh(Unsafe.As<TV, Vector256<float>>(ref v));
            return Unsafe.As<Vector256<float>, TV>(ref t);
        }
        float s = MathF.Tanh(Unsafe.As<TV, float>(ref v));
        return Unsafe.As<float, TV>(ref s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows<TV, TO>(float* x, int k, float* w, float* b, float* y, int n)
        where TV : struct
        where TO : struct, IVec<TV, float>
    {
        int W = TO.Count;
        for (int j = 0; j < n; j++, w += k)
        {
            TV e = TO.Zero, o = TO.Zero;
            int i = 0;
            for (; i + 2 * W <= k; i += 2 * W)
            {
                e = TO.Fma(TO.Load(x + i), TO.Load(w + i), e);
                o = TO.Fma(TO.Load(x + i + W), TO.Load(w + i + W), o);
            }
            if (i + W <= k)
            {
                e = TO.Fma(TO.Load(x + i), TO.Load(w + i), e);
                i += W;
            }
            float s = TO.Sum(TO.Add(e, o));
            for (; i < k; i++) s = MathF.FusedMultiplyAdd(x[i], w[i], s);
            y[j] = b == null ? s : b[j] + s;
        }
    }
}
