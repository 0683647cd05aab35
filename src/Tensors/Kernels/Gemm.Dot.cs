// Dot path: A not transposed, B transposed, m or n small.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Control.Tensors.Kernels;

internal static unsafe partial class Gemm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotPath<T, TV, TO>(in Problem<T> p, int i0, int i1, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        nint lda = p.Lda, ldb = p.Ldb, ldc = p.Ldc;
        int w = TO.Count;
        int acc = TO.DotAccumulators;
        int rows = i1 - i0, cols = j1 - j0;
        if (rows <= SmallM)
        {
            // A few rows of A against runs of rows of B.
            int s = Math.Min(8, acc / rows);
            int tiles = cols / s, rem = cols - tiles * s;
            T* a = p.A + i0 * lda, b = p.B + j0 * ldb, c = p.C + i0 * ldc + j0;
            // When all rows of B share one alignment, start the vector loop at a 64-byte boundary of B (the rows of B
            // stream from L2 or memory; A is small). Lanes are rotated back before the sums, so results do not change.
            int shift = 0;
            if (w > 1 && ldb % w == 0 && p.K >= 4 * w)
                shift = (w - (int)(((nint)b & 63) / sizeof(T)) % w) % w;
            if (tiles > 0) DotTiles<T, TV, TO>(rows, s, a, lda, b, ldb, p.K, c, ldc, p.Accumulate, tiles, 0, s * ldb, s, shift);
            if (rem > 0) DotTiles<T, TV, TO>(rows, rem, a, lda, b + tiles * s * ldb, ldb, p.K, c + tiles * s, ldc, p.Accumulate, 1, 0, 0, 0, shift);
        }
        else
        {
            // A few rows of B (n small) against runs of rows of A.
            for (int j = j0; j < j1; j += 8)
            {
                int s = Math.Min(8, j1 - j);
                int r = Math.Clamp(acc / s, 1, 4);
                int tiles = rows / r, rem = rows - tiles * r;
                T* a = p.A + i0 * lda, b = p.B + j * ldb, c = p.C + i0 * ldc + j;
                if (tiles > 0) DotTiles<T, TV, TO>(r, s, a, lda, b, ldb, p.K, c, ldc, p.Accumulate, tiles, r * lda, 0, r * ldc, 0);
                if (rem > 0) DotTiles<T, TV, TO>(rem, s, a + tiles * r * lda, lda, b, ldb, p.K, c + tiles * r * ldc, ldc, p.Accumulate, 1, 0, 0, 0, 0);
            }
        }
    }

    private static void DotTiles<T, TV, TO>(int rows, int cols, T* a, nint lda, T* b, nint ldb, nint k, T* c, nint ldc, bool add,
        int count, nint aStep, nint bStep, nint cStep, int shift)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        switch (rows)
        {
            case 1: DotTilesR<T, TV, TO, C1>(cols, a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            case 2: DotTilesR<T, TV, TO, C2>(cols, a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            case 3: DotTilesR<T, TV, TO, C3>(cols, a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            case 4: DotTilesR<T, TV, TO, C4>(cols, a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            default: throw new InvalidOperationException("Dot tile rows out of range.");
        }
    }

    private static void DotTilesR<T, TV, TO, TR>(int cols, T* a, nint lda, T* b, nint ldb, nint k, T* c, nint ldc, bool add,
        int count, nint aStep, nint bStep, nint cStep, int shift)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
    {
        switch (cols)
        {
            case 1: Dot<T, TV, TO, TR, C1>(a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            case 2: Dot<T, TV, TO, TR, C2>(a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            case 3: Dot<T, TV, TO, TR, C3>(a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            case 4: Dot<T, TV, TO, TR, C4>(a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            case 5: Dot<T, TV, TO, TR, C5>(a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            case 6: Dot<T, TV, TO, TR, C6>(a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            case 7: Dot<T, TV, TO, TR, C7>(a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            case 8: Dot<T, TV, TO, TR, C8>(a, lda, b, ldb, k, c, ldc, add, count, aStep, bStep, cStep, shift); break;
            default: throw new InvalidOperationException("Dot tile columns out of range.");
        }
    }

    /// <summary>
    /// C[r, s] (+)= dot(A row r, B row s) for r &lt; R, s &lt; S: vector accumulators along k, lane i summing the
    /// products with index p = i mod W in increasing p, a masked step for a partial last vector, and the lanes summed
    /// in a fixed order. With shift &gt; 0 the loop runs on vectors starting at p = shift - W (masked), shift,
    /// shift + W, ... (aligned loads of B) and the accumulators are rotated back before the sums: the same operations
    /// on every lane, so the same result. Repeated count times, stepping a, b and c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot<T, TV, TO, TR, TS>(T* a, nint lda, T* b, nint ldb, nint k, T* c, nint ldc, bool add,
        int count, nint aStep, nint bStep, nint cStep, int shift)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
        where TS : struct, IConst
    {
        int R = TR.Value, S = TS.Value;
        nint W = TO.Count;
        TV headMask = shift > 0 ? TO.HighMask(shift) : TO.Zero;
        nint first = shift > 0 ? shift : 0;
        nint kv = first + (k - first) / W * W;
        TV tailMask = kv < k ? TO.LowMask((int)(k - kv)) : TO.Zero;
        for (int t = 0; t < count; t++, a += aStep, b += bStep, c += cStep)
        {
            // The operand that moves from tile to tile streams from memory: ask for the next tile's rows now.
            if (t + 1 < count)
            {
                if (aStep != 0) PrefetchRows(a + aStep, lda * sizeof(T), R, k * sizeof(T));
            }
            TV d00 = TO.Zero, d01 = TO.Zero, d02 = TO.Zero, d03 = TO.Zero, d04 = TO.Zero, d05 = TO.Zero, d06 = TO.Zero, d07 = TO.Zero, d10 = TO.Zero, d11 = TO.Zero, d12 = TO.Zero, d13 = TO.Zero, d14 = TO.Zero, d15 = TO.Zero, d16 = TO.Zero, d17 = TO.Zero, d20 = TO.Zero, d21 = TO.Zero, d22 = TO.Zero, d23 = TO.Zero, d24 = TO.Zero, d25 = TO.Zero, d26 = TO.Zero, d27 = TO.Zero, d30 = TO.Zero, d31 = TO.Zero, d32 = TO.Zero, d33 = TO.Zero, d34 = TO.Zero, d35 = TO.Zero, d36 = TO.Zero, d37 = TO.Zero;
            T* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
            T* b0 = b, b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb, b4 = b + 4 * ldb, b5 = b + 5 * ldb, b6 = b + 6 * ldb, b7 = b + 7 * ldb;
            // Pass 0: products 0 .. shift - 1, in the last lanes of a vector that starts before the rows (those lanes are
            // not read); pass 1: whole vectors; pass 2: the products past the last whole vector.
            for (int pass = shift > 0 ? 0 : 1; pass < 3; pass++)
            {
                if (pass == 1)
                {
                    for (nint p = first; p < kv; p += W)
                    {
                        TV x0 = TO.Load(a0 + p);
                        TV x1 = R > 1 ? TO.Load(a1 + p) : x0;
                        TV x2 = R > 2 ? TO.Load(a2 + p) : x0;
                        TV x3 = R > 3 ? TO.Load(a3 + p) : x0;
                        TV y;
                        y = TO.Load(b0 + p);
                        d00 = TO.Fma(x0, y, d00);
                        if (R > 1) d10 = TO.Fma(x1, y, d10);
                        if (R > 2) d20 = TO.Fma(x2, y, d20);
                        if (R > 3) d30 = TO.Fma(x3, y, d30);
                        if (S > 1)
                        {
                            y = TO.Load(b1 + p);
                            d01 = TO.Fma(x0, y, d01);
                            if (R > 1) d11 = TO.Fma(x1, y, d11);
                            if (R > 2) d21 = TO.Fma(x2, y, d21);
                            if (R > 3) d31 = TO.Fma(x3, y, d31);
                        }
                        if (S > 2)
                        {
                            y = TO.Load(b2 + p);
                            d02 = TO.Fma(x0, y, d02);
                            if (R > 1) d12 = TO.Fma(x1, y, d12);
                            if (R > 2) d22 = TO.Fma(x2, y, d22);
                            if (R > 3) d32 = TO.Fma(x3, y, d32);
                        }
                        if (S > 3)
                        {
                            y = TO.Load(b3 + p);
                            d03 = TO.Fma(x0, y, d03);
                            if (R > 1) d13 = TO.Fma(x1, y, d13);
                            if (R > 2) d23 = TO.Fma(x2, y, d23);
                            if (R > 3) d33 = TO.Fma(x3, y, d33);
                        }
                        if (S > 4)
                        {
                            y = TO.Load(b4 + p);
                            d04 = TO.Fma(x0, y, d04);
                            if (R > 1) d14 = TO.Fma(x1, y, d14);
                            if (R > 2) d24 = TO.Fma(x2, y, d24);
                            if (R > 3) d34 = TO.Fma(x3, y, d34);
                        }
                        if (S > 5)
                        {
                            y = TO.Load(b5 + p);
                            d05 = TO.Fma(x0, y, d05);
                            if (R > 1) d15 = TO.Fma(x1, y, d15);
                            if (R > 2) d25 = TO.Fma(x2, y, d25);
                            if (R > 3) d35 = TO.Fma(x3, y, d35);
                        }
                        if (S > 6)
                        {
                            y = TO.Load(b6 + p);
                            d06 = TO.Fma(x0, y, d06);
                            if (R > 1) d16 = TO.Fma(x1, y, d16);
                            if (R > 2) d26 = TO.Fma(x2, y, d26);
                            if (R > 3) d36 = TO.Fma(x3, y, d36);
                        }
                        if (S > 7)
                        {
                            y = TO.Load(b7 + p);
                            d07 = TO.Fma(x0, y, d07);
                            if (R > 1) d17 = TO.Fma(x1, y, d17);
                            if (R > 2) d27 = TO.Fma(x2, y, d27);
                            if (R > 3) d37 = TO.Fma(x3, y, d37);
                        }
                    }
                    if (kv == k) break;
                    continue;
                }
                {
                    nint p = pass == 0 ? shift - W : kv;
                    TV mask = pass == 0 ? headMask : tailMask;
                    TV x0 = TO.LoadMasked(a0 + p, mask);
                    TV x1 = R > 1 ? TO.LoadMasked(a1 + p, mask) : x0;
                    TV x2 = R > 2 ? TO.LoadMasked(a2 + p, mask) : x0;
                    TV x3 = R > 3 ? TO.LoadMasked(a3 + p, mask) : x0;
                    TV y;
                    y = TO.LoadMasked(b0 + p, mask);
                    d00 = TO.Select(mask, TO.Fma(x0, y, d00), d00);
                    if (R > 1) d10 = TO.Select(mask, TO.Fma(x1, y, d10), d10);
                    if (R > 2) d20 = TO.Select(mask, TO.Fma(x2, y, d20), d20);
                    if (R > 3) d30 = TO.Select(mask, TO.Fma(x3, y, d30), d30);
                    if (S > 1)
                    {
                        y = TO.LoadMasked(b1 + p, mask);
                        d01 = TO.Select(mask, TO.Fma(x0, y, d01), d01);
                        if (R > 1) d11 = TO.Select(mask, TO.Fma(x1, y, d11), d11);
                        if (R > 2) d21 = TO.Select(mask, TO.Fma(x2, y, d21), d21);
                        if (R > 3) d31 = TO.Select(mask, TO.Fma(x3, y, d31), d31);
                    }
                    if (S > 2)
                    {
                        y = TO.LoadMasked(b2 + p, mask);
                        d02 = TO.Select(mask, TO.Fma(x0, y, d02), d02);
                        if (R > 1) d12 = TO.Select(mask, TO.Fma(x1, y, d12), d12);
                        if (R > 2) d22 = TO.Select(mask, TO.Fma(x2, y, d22), d22);
                        if (R > 3) d32 = TO.Select(mask, TO.Fma(x3, y, d32), d32);
                    }
                    if (S > 3)
                    {
                        y = TO.LoadMasked(b3 + p, mask);
                        d03 = TO.Select(mask, TO.Fma(x0, y, d03), d03);
                        if (R > 1) d13 = TO.Select(mask, TO.Fma(x1, y, d13), d13);
                        if (R > 2) d23 = TO.Select(mask, TO.Fma(x2, y, d23), d23);
                        if (R > 3) d33 = TO.Select(mask, TO.Fma(x3, y, d33), d33);
                    }
                    if (S > 4)
                    {
                        y = TO.LoadMasked(b4 + p, mask);
                        d04 = TO.Select(mask, TO.Fma(x0, y, d04), d04);
                        if (R > 1) d14 = TO.Select(mask, TO.Fma(x1, y, d14), d14);
                        if (R > 2) d24 = TO.Select(mask, TO.Fma(x2, y, d24), d24);
                        if (R > 3) d34 = TO.Select(mask, TO.Fma(x3, y, d34), d34);
                    }
                    if (S > 5)
                    {
                        y = TO.LoadMasked(b5 + p, mask);
                        d05 = TO.Select(mask, TO.Fma(x0, y, d05), d05);
                        if (R > 1) d15 = TO.Select(mask, TO.Fma(x1, y, d15), d15);
                        if (R > 2) d25 = TO.Select(mask, TO.Fma(x2, y, d25), d25);
                        if (R > 3) d35 = TO.Select(mask, TO.Fma(x3, y, d35), d35);
                    }
                    if (S > 6)
                    {
                        y = TO.LoadMasked(b6 + p, mask);
                        d06 = TO.Select(mask, TO.Fma(x0, y, d06), d06);
                        if (R > 1) d16 = TO.Select(mask, TO.Fma(x1, y, d16), d16);
                        if (R > 2) d26 = TO.Select(mask, TO.Fma(x2, y, d26), d26);
                        if (R > 3) d36 = TO.Select(mask, TO.Fma(x3, y, d36), d36);
                    }
                    if (S > 7)
                    {
                        y = TO.LoadMasked(b7 + p, mask);
                        d07 = TO.Select(mask, TO.Fma(x0, y, d07), d07);
                        if (R > 1) d17 = TO.Select(mask, TO.Fma(x1, y, d17), d17);
                        if (R > 2) d27 = TO.Select(mask, TO.Fma(x2, y, d27), d27);
                        if (R > 3) d37 = TO.Select(mask, TO.Fma(x3, y, d37), d37);
                    }
                }
            }
            if (shift > 0)
            {
                d00 = TO.Rotate(d00, shift);
                if (S > 1) d01 = TO.Rotate(d01, shift);
                if (S > 2) d02 = TO.Rotate(d02, shift);
                if (S > 3) d03 = TO.Rotate(d03, shift);
                if (S > 4) d04 = TO.Rotate(d04, shift);
                if (S > 5) d05 = TO.Rotate(d05, shift);
                if (S > 6) d06 = TO.Rotate(d06, shift);
                if (S > 7) d07 = TO.Rotate(d07, shift);
                if (R > 1) d10 = TO.Rotate(d10, shift);
                if (R > 1 && S > 1) d11 = TO.Rotate(d11, shift);
                if (R > 1 && S > 2) d12 = TO.Rotate(d12, shift);
                if (R > 1 && S > 3) d13 = TO.Rotate(d13, shift);
                if (R > 1 && S > 4) d14 = TO.Rotate(d14, shift);
                if (R > 1 && S > 5) d15 = TO.Rotate(d15, shift);
                if (R > 1 && S > 6) d16 = TO.Rotate(d16, shift);
                if (R > 1 && S > 7) d17 = TO.Rotate(d17, shift);
                if (R > 2) d20 = TO.Rotate(d20, shift);
                if (R > 2 && S > 1) d21 = TO.Rotate(d21, shift);
                if (R > 2 && S > 2) d22 = TO.Rotate(d22, shift);
                if (R > 2 && S > 3) d23 = TO.Rotate(d23, shift);
                if (R > 2 && S > 4) d24 = TO.Rotate(d24, shift);
                if (R > 2 && S > 5) d25 = TO.Rotate(d25, shift);
                if (R > 2 && S > 6) d26 = TO.Rotate(d26, shift);
                if (R > 2 && S > 7) d27 = TO.Rotate(d27, shift);
                if (R > 3) d30 = TO.Rotate(d30, shift);
                if (R > 3 && S > 1) d31 = TO.Rotate(d31, shift);
                if (R > 3 && S > 2) d32 = TO.Rotate(d32, shift);
                if (R > 3 && S > 3) d33 = TO.Rotate(d33, shift);
                if (R > 3 && S > 4) d34 = TO.Rotate(d34, shift);
                if (R > 3 && S > 5) d35 = TO.Rotate(d35, shift);
                if (R > 3 && S > 6) d36 = TO.Rotate(d36, shift);
                if (R > 3 && S > 7) d37 = TO.Rotate(d37, shift);
            }
            TO.StoreSums(c + 0 * ldc, S, add, d00, d01, d02, d03, d04, d05, d06, d07);
            if (R > 1) TO.StoreSums(c + 1 * ldc, S, add, d10, d11, d12, d13, d14, d15, d16, d17);
            if (R > 2) TO.StoreSums(c + 2 * ldc, S, add, d20, d21, d22, d23, d24, d25, d26, d27);
            if (R > 3) TO.StoreSums(c + 3 * ldc, S, add, d30, d31, d32, d33, d34, d35, d36, d37);
        }
    }

    /// <summary>Asks for rows (each bytes long, stride apart) to be brought into the caches ahead of use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRows(void* start, nint stride, int rows, nint bytes)
    {
        if (!Sse.IsSupported) return;
        byte* row = (byte*)start;
        for (int r = 0; r < rows; r++, row += stride)
            for (nint o = 0; o < bytes; o += 64) Sse.Prefetch0(row + o);
    }
}
