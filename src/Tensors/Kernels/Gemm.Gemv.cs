// Gemv path: one row of A, B transposed (batch-1 inference, y = x W^T with W [out, in]): C[0, j] = dot(A, B row j).
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Control.Tensors.Kernels;

internal static unsafe partial class Gemm
{
    /// <summary>Rows of B per block of the gemv kernel.</summary>
    private const int GemvRows = 4;

    /// <summary>
    /// Shortest k for the gemv path. Below it the rows of B are too short to stream, the lane sums dominate, and the dot
    /// tile (eight rows per sum) is faster (bench/RESULTS.md, batch-1 inference).
    /// </summary>
    internal const int GemvMinK = 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemvPath<T, TV, TO>(in Problem<T> p, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        nint ldb = p.Ldb;
        int blocks = (j1 - j0) / GemvRows, rem = j1 - j0 - blocks * GemvRows;
        T* b = p.B + j0 * ldb, c = p.C + j0;
        if (blocks > 0) Gemv<T, TV, TO, C4>(p.A, b, ldb, p.K, c, p.Accumulate, blocks);
        b += blocks * GemvRows * ldb;
        c += blocks * GemvRows;
        switch (rem)
        {
            case 1: Gemv<T, TV, TO, C1>(p.A, b, ldb, p.K, c, p.Accumulate, 1); break;
            case 2: Gemv<T, TV, TO, C2>(p.A, b, ldb, p.K, c, p.Accumulate, 1); break;
            case 3: Gemv<T, TV, TO, C3>(p.A, b, ldb, p.K, c, p.Accumulate, 1); break;
        }
    }

    /// <summary>
    /// c[r] (+)= dot(a, row r of B) for r &lt; R, repeated over blocks of R rows. Each row is streamed with two vector
    /// accumulators, e over the even and o over the odd vectors of k; a last whole vector goes to e, a partial one
    /// (masked) to o, then e + o is summed across lanes. Four rows of B in flight with eight independent
    /// fused multiply-add chains ran 256 x 256 at the rate of a plain sum over the same 256 KB; eight rows with one
    /// accumulator each (the dot tile) ran ~40% slower. Every row takes the same operations, whatever its block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemv<T, TV, TO, TR>(T* a, T* b, nint ldb, nint k, T* c, bool add, int blocks)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
    {
        int R = TR.Value;
        nint W = TO.Count;
        nint k2 = k / (2 * W) * (2 * W);
        nint kv = k - k2 >= W ? k2 + W : k2;
        TV tailMask = kv < k ? TO.LowMask((int)(k - kv)) : TO.Zero;
        for (int t = 0; t < blocks; t++, b += R * ldb, c += R)
        {
            T* b0 = b, b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb;
            TV e0 = TO.Zero, e1 = TO.Zero, e2 = TO.Zero, e3 = TO.Zero, o0 = TO.Zero, o1 = TO.Zero, o2 = TO.Zero, o3 = TO.Zero;
            for (nint p = 0; p < k2; p += 2 * W)
            {
                TV xe = TO.Load(a + p), xo = TO.Load(a + p + W);
                e0 = TO.Fma(xe, TO.Load(b0 + p), e0);
                if (R > 1) e1 = TO.Fma(xe, TO.Load(b1 + p), e1);
                if (R > 2) e2 = TO.Fma(xe, TO.Load(b2 + p), e2);
                if (R > 3) e3 = TO.Fma(xe, TO.Load(b3 + p), e3);
                o0 = TO.Fma(xo, TO.Load(b0 + p + W), o0);
                if (R > 1) o1 = TO.Fma(xo, TO.Load(b1 + p + W), o1);
                if (R > 2) o2 = TO.Fma(xo, TO.Load(b2 + p + W), o2);
                if (R > 3) o3 = TO.Fma(xo, TO.Load(b3 + p + W), o3);
            }
            if (kv > k2)
            {
                TV x = TO.Load(a + k2);
                e0 = TO.Fma(x, TO.Load(b0 + k2), e0);
                if (R > 1) e1 = TO.Fma(x, TO.Load(b1 + k2), e1);
                if (R > 2) e2 = TO.Fma(x, TO.Load(b2 + k2), e2);
                if (R > 3) e3 = TO.Fma(x, TO.Load(b3 + k2), e3);
            }
            if (kv < k)
            {
                TV x = TO.LoadMasked(a + kv, tailMask);
                o0 = TO.Select(tailMask, TO.Fma(x, TO.LoadMasked(b0 + kv, tailMask), o0), o0);
                if (R > 1) o1 = TO.Select(tailMask, TO.Fma(x, TO.LoadMasked(b1 + kv, tailMask), o1), o1);
                if (R > 2) o2 = TO.Select(tailMask, TO.Fma(x, TO.LoadMasked(b2 + kv, tailMask), o2), o2);
                if (R > 3) o3 = TO.Select(tailMask, TO.Fma(x, TO.LoadMasked(b3 + kv, tailMask), o3), o3);
            }
            TO.StoreSums(c, R, add, TO.Add(e0, o0), R > 1 ? TO.Add(e1, o1) : TO.Zero, R > 2 ? TO.Add(e2, o2) : TO.Zero,
                R > 3 ? TO.Add(e3, o3) : TO.Zero, TO.Zero, TO.Zero, TO.Zero, TO.Zero);
        }
    }
}
