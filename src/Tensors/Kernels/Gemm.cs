// Matrix multiply for the managed tensor engine: C = op(A) op(B) (+ C), row-major, float or double, no native BLAS.
//
// Five paths, chosen from the shape of the whole problem:
//  - Gemv (A not transposed, B transposed, m = 1, k >= 64): batch-1 inference, y = x W^T with W [out, in]. Four rows
//    of B at a time, each with two vector accumulators along k, a masked step for a partial last vector, lanes summed
//    at the end.
//  - Dot (A not transposed, B transposed, m <= 4 or n <= 8): C[i, j] = dot(A row i, B row j), both rows contiguous.
//    A register tile of up to 4 x 8 vector accumulators runs along k (lane i sums the products with p = i mod W);
//    partial vectors at the ends are loaded through masks. When all rows of B share one alignment the loop starts at
//    a 64-byte boundary of B, and the accumulators are rotated back before the lanes are summed, so this changes no
//    result. Batches of 2 to 4 rows, batch 1 with short rows (k < 64) and narrow output layers (n = 6) take this path.
//  - Direct (B not transposed, m <= 4): the micro-kernel reads A and B in place, up to 8 vectors of a row of B per
//    step, the columns at the ends through masked loads: batch-1 backward products (dX = dY W) copy nothing.
//  - Outer (B not transposed, k <= 4, n <= 32, any m): C row by row as a sum of k scaled rows of B, A and B read in
//    place: the weight gradient of a first layer with few inputs (dW = dY^T X, 256 x 17, at batch 1) packs nothing.
//  - General: B is packed, one k-block (KC) by up to NC columns at a time, into panels NR = NV W wide (transposed with
//    16 x 16 register transposes while packing when B is stored [n, k]); A is read in place when stored [m, k] and
//    packed by MR-row slivers when stored [k, m]; one register-blocked micro-kernel (MR x NV vector accumulators,
//    broadcast of A, fused multiply-add) serves all four transpose cases. The A sliver stays in L1 while the packed
//    B block streams from L2. Float with AVX-512: MR = 8, NR = 32 (2 x Vector512), KC up to 384.
// Every element of C is computed by the same sequence of operations wherever its tile lies and whatever the alignment
// of the operands, so splitting C between two threads (rows or columns, for large m n k) changes no result bit, and
// neither does where the GC placed the arrays.
// All kernels are generic over the element type and over the vector width (Vector512, Vector256 or scalar), and over
// the tile shape through constant type arguments, so the JIT emits one specialised, fully unrolled kernel per case.
// Packing buffers are per thread, pinned and 64-byte aligned, and are reused from call to call (no allocation after
// the first call on a thread).
// The kernel bodies (the spelled-out accumulators c00..c73 and d00..d37) were written out by a small generator;
// every accumulator is a separate local so that the JIT keeps it in a register.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Control.Core.Threading;

[assembly: InternalsVisibleTo("Control.Tensors.Tests")]
[assembly: InternalsVisibleTo("Control.Bench")]

namespace Control.Tensors.Kernels;

/// <summary>General matrix multiply, C = op(A) op(B) (+ C), for <see cref="float"/> and <see cref="double"/>.</summary>
[SkipLocalsInit]
internal static unsafe class Gemm
{
    /// <summary>Problems with at least this many multiply-adds (m n k) may use a second thread.</summary>
    internal const long ParallelThreshold = 1L << 22;

    /// <summary>Largest m for which the dot and direct paths are used.</summary>
    internal const int SmallM = 4;

    /// <summary>Largest k for which a narrow product with B not transposed is computed as k scaled rows of B.</summary>
    internal const int SmallK = 4;

    /// <summary>
    /// Widest n for the outer path: narrower than two general panels, which would be mostly padding; wider products
    /// run as fast on the general path.
    /// </summary>
    internal const int OuterMaxN = 32;

    /// <summary>Largest n for which a product with B transposed is computed as dot products.</summary>
    internal const int SmallN = 8;

    /// <summary>Bytes of packed B kept in L2 (k-block times column block).</summary>
    private const int L2Budget = 1 << 20;

    /// <summary>The widest vector the hardware accelerates: 512, 256, or 0 (scalar).</summary>
    internal static readonly int DefaultVectorBits =
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 0;

    /// <summary>
    /// C = op(A) * op(B) + (accumulate ? C : 0), all row-major.
    /// op(A) is m x k: A is stored [m, k] with row stride lda, or if transA, stored [k, m] with row stride lda.
    /// op(B) is k x n: B is stored [k, n] with row stride ldb, or if transB, stored [n, k] with row stride ldb.
    /// C is [m, n] with row stride ldc and must not overlap A or B. maxThreads: 1 or 2 (a second thread is used
    /// only for large m n k); the result does not depend on the number of threads.
    /// </summary>
    public static void Multiply<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate, int maxThreads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MultiplyWith(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, maxThreads, DefaultVectorBits);

    /// <summary><see cref="Multiply"/> with the vector width forced (512, 256 or 0 for scalar), for tests.</summary>
    internal static void MultiplyWith<T>(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate, int maxThreads,
        int vectorBits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"Gemm supports float and double, not {typeof(T).Name}.");
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        if (vectorBits is not (512 or 256 or 0)) throw new ArgumentOutOfRangeException(nameof(vectorBits), vectorBits, "Expected 512, 256 or 0.");
        CheckMatrix(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a), nameof(lda));
        CheckMatrix(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b), nameof(ldb));
        CheckMatrix(c.Length, m, n, ldc, nameof(c), nameof(ldc));
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }

        int threads = maxThreads >= 2 && Environment.ProcessorCount >= 2 && (long)m * n * k >= ParallelThreshold ? 2 : 1;
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            var problem = new Problem<T>(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
            switch (vectorBits)
            {
                case 512: Run<T, Vector512<T>, V512<T>>(problem, threads); break;
                case 256: Run<T, Vector256<T>, V256<T>>(problem, threads); break;
                default: Run<T, T, VScalar<T>>(problem, threads); break;
            }
        }
    }

    private static void CheckMatrix(int length, int rows, int cols, int ld, string name, string ldName)
    {
        if (ld < cols || ld < 0)
            throw new ArgumentException(
                $"Row stride {ldName} = {ld} is smaller than the {cols} columns of the {rows} x {cols} matrix {name}.", ldName);
        long need = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < need)
            throw new ArgumentException(
                $"Span {name} is too short for a {rows} x {cols} matrix with row stride {ld}: expected length at least {need}, actual length {length}.",
                name);
    }

    private enum PathKind { Gemv, Dot, Direct, Outer, General }

    private static PathKind Choose<T>(in Problem<T> p) where T : unmanaged
    {
        if (!p.TransA && p.TransB && p.M == 1 && p.K >= GemvMinK) return PathKind.Gemv;
        if (!p.TransA && p.TransB && (p.M <= SmallM || p.N <= SmallN)) return PathKind.Dot;
        if (!p.TransB && p.M <= SmallM) return PathKind.Direct;
        if (!p.TransB && p.K <= SmallK && p.N <= OuterMaxN) return PathKind.Outer;
        return PathKind.General;
    }

    // The two-thread split of large products: a team per calling thread, helped by the thread pool.
    [ThreadStatic] private static WorkSharing? team;

    private static void Run<T, TV, TO>(in Problem<T> p, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        PathKind path = Choose(p);
        if (threads < 2)
        {
            Execute<T, TV, TO>(path, p, 0, p.M, 0, p.N);
            return;
        }

        // Split C in two halves along rows or columns, at a multiple of the tile size. Every path computes each
        // element of C independently of where its tile lies, so the split does not change any result bit.
        bool byRows;
        int align;
        switch (path)
        {
            case PathKind.Gemv:
                byRows = false;
                align = GemvRows;
                break;
            case PathKind.Dot:
                byRows = p.M > SmallM;
                align = byRows ? 4 : SmallN;
                break;
            case PathKind.Direct:
                byRows = false;
                align = TO.DirectNV(p.M) * TO.Count;
                break;
            case PathKind.Outer:
                byRows = true;
                align = 1;
                break;
            default:
                // Each half packs the part of B it uses: split the columns unless A is the bigger operand.
                bool rowsOk = p.M >= 2 * TO.MR, colsOk = p.N >= 2 * TO.NV * TO.Count;
                byRows = rowsOk && (!colsOk || p.M > p.N);
                align = byRows ? TO.MR : TO.NV * TO.Count;
                break;
        }
        int total = byRows ? p.M : p.N;
        int split = (total / 2 + align - 1) / align * align;
        if (split <= 0 || split >= total)
        {
            Execute<T, TV, TO>(path, p, 0, p.M, 0, p.N);
            return;
        }
        Halves<T, TV, TO> halves = Halves<T, TV, TO>.OfThisThread;
        halves.Set(path, p, byRows, split);
        try
        {
            team ??= new WorkSharing(2);
            team.Run(halves, chunks: 2, members: 2);
        }
        finally
        {
            halves.Clear();
        }
    }

    // The two halves of a split product as the chunks of a loop: 0 is rows (or columns) below the split, 1 the rest.
    // One per calling thread and instantiation, reused from call to call, so a split product allocates nothing.
    private sealed class Halves<T, TV, TO> : IChunkedWork
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        [ThreadStatic] private static Halves<T, TV, TO>? ofThisThread;
        private Problem<T> problem;
        private PathKind path;
        private bool byRows;
        private int split;

        public static Halves<T, TV, TO> OfThisThread => ofThisThread ??= new Halves<T, TV, TO>();

        public void Set(PathKind path, in Problem<T> problem, bool byRows, int split)
        {
            this.path = path;
            this.problem = problem;
            this.byRows = byRows;
            this.split = split;
        }

        // The operands are pinned only while the caller's Multiply runs: forget them afterwards.
        public void Clear() => problem = default;

        public void Run(int member, int chunk)
        {
            Problem<T> p = problem;
            if (byRows)
            {
                if (chunk == 0) Execute<T, TV, TO>(path, p, 0, split, 0, p.N);
                else Execute<T, TV, TO>(path, p, split, p.M, 0, p.N);
            }
            else
            {
                if (chunk == 0) Execute<T, TV, TO>(path, p, 0, p.M, 0, split);
                else Execute<T, TV, TO>(path, p, 0, p.M, split, p.N);
            }
        }
    }

    private static void Execute<T, TV, TO>(PathKind path, in Problem<T> p, int i0, int i1, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        switch (path)
        {
            case PathKind.Gemv: GemvPath<T, TV, TO>(p, j0, j1); break;
            case PathKind.Dot: DotPath<T, TV, TO>(p, i0, i1, j0, j1); break;
            case PathKind.Direct: DirectPath<T, TV, TO>(p, i0, i1, j0, j1); break;
            case PathKind.Outer: OuterPath<T, TV, TO>(p, i0, i1, j0, j1); break;
            default: GeneralPath<T, TV, TO>(p, i0, i1, j0, j1); break;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // General path: packed B, blocked over k and n.

    private static int KcMax<T>() where T : unmanaged => sizeof(T) == 4 ? 384 : 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GeneralPath<T, TV, TO>(in Problem<T> p, int i0, int i1, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        int w = TO.Count, mr = TO.MR, nv = TO.NV, nr = nv * w;
        int k = p.K;
        int kcMax = KcMax<T>();
        int kBlocks = (k + kcMax - 1) / kcMax;
        int kc = (k + kBlocks - 1) / kBlocks;
        int ncMax = Math.Max(nr, L2Budget / (kc * sizeof(T)) / nr * nr);
        int nc = Math.Min(ncMax, RoundUp(j1 - j0, nr));

        nint bLen = RoundUp((nint)kc * nc, 64);
        nint aLen = RoundUp((nint)kc * mr, 64);
        T* bPack = Scratch<T>.Get(bLen + aLen + 64 * 64);
        T* aPack = bPack + bLen;
        T* tile = aPack + aLen;

        for (int jc = j0; jc < j1; jc += nc)
        {
            int ncur = Math.Min(nc, j1 - jc);
            int panels = (ncur + nr - 1) / nr;
            for (int pc = 0; pc < k; pc += kc)
            {
                int kcur = Math.Min(kc, k - pc);
                PackB<T, TV, TO>(p, pc, kcur, jc, ncur, nr, bPack);
                bool add = pc > 0 || p.Accumulate;
                for (int ir = i0; ir < i1; ir += mr)
                {
                    int rows = Math.Min(mr, i1 - ir);
                    T* aBlock;
                    nint ars, aks;
                    if (p.TransA)
                    {
                        PackA(p, ir, rows, pc, kcur, mr, aPack);
                        aBlock = aPack;
                        ars = 1;
                        aks = mr;
                    }
                    else
                    {
                        aBlock = p.A + (nint)ir * p.Lda + pc;
                        ars = p.Lda;
                        aks = 1;
                    }
                    Panels<T, TV, TO>(rows, nv, !p.TransA, aBlock, ars, aks, bPack, (nint)kcur * nr, nr, kcur,
                        panels, ncur, p.C + (nint)ir * p.Ldc + jc, p.Ldc, add, tile);
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[pc .. pc + kc, jc .. jc + nc] into panels nr columns wide: panel q holds, for each p, the nr
    /// values op(B)[pc + p, jc + q nr + 0 .. nr] contiguously; columns past nc are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB<T, TV, TO>(in Problem<T> p, int pc, int kc, int jc, int nc, int nr, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        int w = TO.Count;
        nint ldb = p.Ldb;
        for (int j = 0; j < nc; j += nr)
        {
            int cols = Math.Min(nr, nc - j);
            T* d = dst + (nint)(j / nr) * kc * nr;
            if (!p.TransB)
            {
                T* s = p.B + (nint)pc * ldb + jc + j;
                if (cols == nr)
                {
                    for (int q = 0; q < kc; q++, s += ldb, d += nr)
                        for (int v = 0; v < nr; v += w) TO.Store(d + v, TO.Load(s + v));
                }
                else
                {
                    for (int q = 0; q < kc; q++, s += ldb, d += nr)
                    {
                        int v = 0;
                        for (; v + w <= cols; v += w) TO.Store(d + v, TO.Load(s + v));
                        for (; v < cols; v++) d[v] = s[v];
                        for (; v < nr; v++) d[v] = T.Zero;
                    }
                }
            }
            else
            {
                T* s = p.B + (nint)(jc + j) * ldb + pc;
                if (!PackTransposed<T>(s, ldb, kc, cols, nr, d))
                {
                    for (int jj = 0; jj < cols; jj++)
                    {
                        T* sr = s + jj * ldb;
                        T* dc = d + jj;
                        for (int q = 0; q < kc; q++) dc[(nint)q * nr] = sr[q];
                    }
                    for (int jj = cols; jj < nr; jj++)
                        for (int q = 0; q < kc; q++) d[(nint)q * nr + jj] = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// Transposing pack with AVX-512 register transposes (16 x 16 floats, 8 x 8 doubles): d[p nr + j] = s[j lds + p]
    /// for j &lt; cols, zero for cols &lt;= j &lt; nr. Returns false (nothing done) when it does not apply.
    /// </summary>
    private static bool PackTransposed<T>(T* s, nint lds, int kc, int cols, int nr, T* d) where T : unmanaged
    {
        if (!Avx512F.IsSupported) return false;
        if (sizeof(T) == 4 && nr % 16 == 0)
        {
            for (int g = 0; g < nr; g += 16)
                PackTransposed16((float*)s + g * lds, lds, kc, Math.Clamp(cols - g, 0, 16), nr, (float*)d + g);
            return true;
        }
        if (sizeof(T) == 8 && nr % 8 == 0)
        {
            for (int g = 0; g < nr; g += 8)
                PackTransposed8((double*)s + g * lds, lds, kc, Math.Clamp(cols - g, 0, 8), nr, (double*)d + g);
            return true;
        }
        return false;
    }

    /// <summary>16 columns of a float panel: d[p nr + j] = s[j lds + p] for j &lt; rows (else 0), p &lt; kc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed16(float* s, nint lds, int kc, int rows, int nr, float* d)
    {
        if (rows == 0)
        {
            for (int p = 0; p < kc; p++) Vector512.Store(Vector512<float>.Zero, d + (nint)p * nr);
            return;
        }
        float* s0 = s, s1 = s + Math.Min(1, rows - 1) * lds, s2 = s + Math.Min(2, rows - 1) * lds, s3 = s + Math.Min(3, rows - 1) * lds;
        float* s4 = s + Math.Min(4, rows - 1) * lds, s5 = s + Math.Min(5, rows - 1) * lds, s6 = s + Math.Min(6, rows - 1) * lds, s7 = s + Math.Min(7, rows - 1) * lds;
        float* s8 = s + Math.Min(8, rows - 1) * lds, s9 = s + Math.Min(9, rows - 1) * lds, s10 = s + Math.Min(10, rows - 1) * lds, s11 = s + Math.Min(11, rows - 1) * lds;
        float* s12 = s + Math.Min(12, rows - 1) * lds, s13 = s + Math.Min(13, rows - 1) * lds, s14 = s + Math.Min(14, rows - 1) * lds, s15 = s + Math.Min(15, rows - 1) * lds;
        // Rows past the last valid one repeat it (in bounds) and are cleared by the mask after the transpose.
        Vector512<float> keep = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(rows)).AsSingle();
        int p0 = 0;
        for (; p0 + 16 <= kc; p0 += 16)
        {
            Vector512<float> r0 = Vector512.Load(s0 + p0), r1 = Vector512.Load(s1 + p0), r2 = Vector512.Load(s2 + p0), r3 = Vector512.Load(s3 + p0);
            Vector512<float> r4 = Vector512.Load(s4 + p0), r5 = Vector512.Load(s5 + p0), r6 = Vector512.Load(s6 + p0), r7 = Vector512.Load(s7 + p0);
            Vector512<float> r8 = Vector512.Load(s8 + p0), r9 = Vector512.Load(s9 + p0), r10 = Vector512.Load(s10 + p0), r11 = Vector512.Load(s11 + p0);
            Vector512<float> r12 = Vector512.Load(s12 + p0), r13 = Vector512.Load(s13 + p0), r14 = Vector512.Load(s14 + p0), r15 = Vector512.Load(s15 + p0);

            Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
            Vector512<float> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
            Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5);
            Vector512<float> t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
            Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9);
            Vector512<float> t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
            Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13);
            Vector512<float> t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);

            // u(4b + x), lane L: rows 4b .. 4b + 3 of column 4L + x.
            Vector512<float> u0 = Avx512F.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle(), u1 = Avx512F.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
            Vector512<float> u2 = Avx512F.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle(), u3 = Avx512F.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
            Vector512<float> u4 = Avx512F.UnpackLow(t4.AsDouble(), t6.AsDouble()).AsSingle(), u5 = Avx512F.UnpackHigh(t4.AsDouble(), t6.AsDouble()).AsSingle();
            Vector512<float> u6 = Avx512F.UnpackLow(t5.AsDouble(), t7.AsDouble()).AsSingle(), u7 = Avx512F.UnpackHigh(t5.AsDouble(), t7.AsDouble()).AsSingle();
            Vector512<float> u8 = Avx512F.UnpackLow(t8.AsDouble(), t10.AsDouble()).AsSingle(), u9 = Avx512F.UnpackHigh(t8.AsDouble(), t10.AsDouble()).AsSingle();
            Vector512<float> u10 = Avx512F.UnpackLow(t9.AsDouble(), t11.AsDouble()).AsSingle(), u11 = Avx512F.UnpackHigh(t9.AsDouble(), t11.AsDouble()).AsSingle();
            Vector512<float> u12 = Avx512F.UnpackLow(t12.AsDouble(), t14.AsDouble()).AsSingle(), u13 = Avx512F.UnpackHigh(t12.AsDouble(), t14.AsDouble()).AsSingle();
            Vector512<float> u14 = Avx512F.UnpackLow(t13.AsDouble(), t15.AsDouble()).AsSingle(), u15 = Avx512F.UnpackHigh(t13.AsDouble(), t15.AsDouble()).AsSingle();

            float* dp = d + (nint)p0 * nr;
            Transpose16Finish(u0, u4, u8, u12, keep, dp, nr, 0);
            Transpose16Finish(u1, u5, u9, u13, keep, dp, nr, 1);
            Transpose16Finish(u2, u6, u10, u14, keep, dp, nr, 2);
            Transpose16Finish(u3, u7, u11, u15, keep, dp, nr, 3);
        }
        for (; p0 < kc; p0++)
        {
            float* dp = d + (nint)p0 * nr;
            for (int j = 0; j < 16; j++) dp[j] = j < rows ? s[j * lds + p0] : 0f;
        }
    }

    /// <summary>Columns x, 4 + x, 8 + x, 12 + x of a 16 x 16 transpose from the row quads' lane-interleaved vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16Finish(Vector512<float> q0, Vector512<float> q1, Vector512<float> q2, Vector512<float> q3,
        Vector512<float> keep, float* dp, nint nr, int x)
    {
        Vector512<float> v0 = Avx512F.Shuffle4x128(q0, q1, 0x88), v1 = Avx512F.Shuffle4x128(q0, q1, 0xDD);
        Vector512<float> w0 = Avx512F.Shuffle4x128(q2, q3, 0x88), w1 = Avx512F.Shuffle4x128(q2, q3, 0xDD);
        Vector512.Store(Avx512F.Shuffle4x128(v0, w0, 0x88) & keep, dp + x * nr);
        Vector512.Store(Avx512F.Shuffle4x128(v1, w1, 0x88) & keep, dp + (4 + x) * nr);
        Vector512.Store(Avx512F.Shuffle4x128(v0, w0, 0xDD) & keep, dp + (8 + x) * nr);
        Vector512.Store(Avx512F.Shuffle4x128(v1, w1, 0xDD) & keep, dp + (12 + x) * nr);
    }

    /// <summary>8 columns of a double panel: d[p nr + j] = s[j lds + p] for j &lt; rows (else 0), p &lt; kc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed8(double* s, nint lds, int kc, int rows, int nr, double* d)
    {
        if (rows == 0)
        {
            for (int p = 0; p < kc; p++) Vector512.Store(Vector512<double>.Zero, d + (nint)p * nr);
            return;
        }
        double* s0 = s, s1 = s + Math.Min(1, rows - 1) * lds, s2 = s + Math.Min(2, rows - 1) * lds, s3 = s + Math.Min(3, rows - 1) * lds;
        double* s4 = s + Math.Min(4, rows - 1) * lds, s5 = s + Math.Min(5, rows - 1) * lds, s6 = s + Math.Min(6, rows - 1) * lds, s7 = s + Math.Min(7, rows - 1) * lds;
        Vector512<double> keep = Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)rows)).AsDouble();
        int p0 = 0;
        for (; p0 + 8 <= kc; p0 += 8)
        {
            Vector512<double> r0 = Vector512.Load(s0 + p0), r1 = Vector512.Load(s1 + p0), r2 = Vector512.Load(s2 + p0), r3 = Vector512.Load(s3 + p0);
            Vector512<double> r4 = Vector512.Load(s4 + p0), r5 = Vector512.Load(s5 + p0), r6 = Vector512.Load(s6 + p0), r7 = Vector512.Load(s7 + p0);
            // t(2b + x), lane L: rows 2b, 2b + 1 of column 2L + x.
            Vector512<double> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
            Vector512<double> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
            Vector512<double> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5);
            Vector512<double> t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
            Vector512<double> u0 = Avx512F.Shuffle4x128(t0, t2, 0x88), u1 = Avx512F.Shuffle4x128(t0, t2, 0xDD);
            Vector512<double> u2 = Avx512F.Shuffle4x128(t1, t3, 0x88), u3 = Avx512F.Shuffle4x128(t1, t3, 0xDD);
            Vector512<double> u4 = Avx512F.Shuffle4x128(t4, t6, 0x88), u5 = Avx512F.Shuffle4x128(t4, t6, 0xDD);
            Vector512<double> u6 = Avx512F.Shuffle4x128(t5, t7, 0x88), u7 = Avx512F.Shuffle4x128(t5, t7, 0xDD);
            double* dp = d + (nint)p0 * nr;
            Vector512.Store(Avx512F.Shuffle4x128(u0, u4, 0x88) & keep, dp);
            Vector512.Store(Avx512F.Shuffle4x128(u2, u6, 0x88) & keep, dp + nr);
            Vector512.Store(Avx512F.Shuffle4x128(u1, u5, 0x88) & keep, dp + 2 * nr);
            Vector512.Store(Avx512F.Shuffle4x128(u3, u7, 0x88) & keep, dp + 3 * nr);
            Vector512.Store(Avx512F.Shuffle4x128(u0, u4, 0xDD) & keep, dp + 4 * nr);
            Vector512.Store(Avx512F.Shuffle4x128(u2, u6, 0xDD) & keep, dp + 5 * nr);
            Vector512.Store(Avx512F.Shuffle4x128(u1, u5, 0xDD) & keep, dp + 6 * nr);
            Vector512.Store(Avx512F.Shuffle4x128(u3, u7, 0xDD) & keep, dp + 7 * nr);
        }
        for (; p0 < kc; p0++)
        {
            double* dp = d + (nint)p0 * nr;
            for (int j = 0; j < 8; j++) dp[j] = j < rows ? s[j * lds + p0] : 0.0;
        }
    }

    /// <summary>Packs the sliver op(A)[ir .. ir + rows, pc .. pc + kc] of a transposed A: dst[p mr + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA<T>(in Problem<T> p, int ir, int rows, int pc, int kc, int mr, T* dst) where T : unmanaged
    {
        T* s = p.A + (nint)pc * p.Lda + ir;
        nint lda = p.Lda;
        if (rows == 8 && sizeof(T) == 4)
        {
            for (int q = 0; q < kc; q++, s += lda, dst += mr) Vector256.Store(Vector256.Load((float*)s), (float*)dst);
            return;
        }
        if (rows == 8 && sizeof(T) == 8)
        {
            for (int q = 0; q < kc; q++, s += lda, dst += mr) Vector512.Store(Vector512.Load((double*)s), (double*)dst);
            return;
        }
        for (int q = 0; q < kc; q++, s += lda, dst += mr)
            for (int r = 0; r < rows; r++) dst[r] = s[r];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Direct path: small m, B not transposed; A and B read in place.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DirectPath<T, TV, TO>(in Problem<T> p, int i0, int i1, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        int w = TO.Count;
        int rows = i1 - i0;
        int nv = TO.DirectNV(rows), nr = nv * w;
        bool rowMajor = !p.TransA;
        nint lda = p.Lda, ldb = p.Ldb, ldc = p.Ldc;
        nint ars = rowMajor ? lda : 1, aks = rowMajor ? 1 : lda;
        int width = j1 - j0;
        T* a = p.A + (rowMajor ? (nint)i0 * lda : i0);
        T* b = p.B + j0;
        T* c = p.C + (nint)i0 * ldc + j0;
        T* tile = Scratch<T>.Get(64 * 64);

        // When every row of B has the same alignment, the columns before the first 64-byte boundary go first (one
        // masked vector), so that the loads of the whole panels are aligned. Every element of C is the same chain of
        // fused multiply-adds over p whichever piece it falls in.
        int head = 0;
        if (w > 1 && ldb % w == 0)
        {
            int mis = (int)(((nint)b & 63) / sizeof(T)) % w;
            if (mis != 0) head = Math.Min(w - mis, width);
        }
        if (head > 0)
            Panels<T, TV, TO>(rows, 1, rowMajor, a, ars, aks, b, 0, ldb, p.K, 1, head, c, ldc, p.Accumulate, tile,
                head < w, TO.LowMask(head));
        int full = (width - head) / nr;
        if (full > 0)
            Panels<T, TV, TO>(rows, nv, rowMajor, a, ars, aks, b + head, nr, ldb, p.K, full, full * nr, c + head, ldc,
                p.Accumulate, tile);
        int j = head + full * nr;
        int rest = width - j;
        if (rest > 0)
        {
            int restNv = (rest + w - 1) / w;
            int last = rest - (restNv - 1) * w;
            Panels<T, TV, TO>(rows, restNv, rowMajor, a, ars, aks, b + j, 0, ldb, p.K, 1, rest, c + j, ldc, p.Accumulate,
                tile, last < w, last < w ? TO.LowMask(last) : default);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Outer path: small k and n, B not transposed, any m (the weight gradient dW = dY^T X of a first layer with few
    // inputs at a batch of 1 to 4 rows). The general path would pack both operands into panels mostly of padding and
    // run its tiles for a k loop of one to four steps; here each row of C is written once, in vectors along the row, from A and B read in place. Element (i, j) is the fused multiply-add
    // chain over p = 0 .. k - 1 started from C (or zero), in the vector lanes and in the scalar tail alike.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterPath<T, TV, TO>(in Problem<T> p, int i0, int i1, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        int w = TO.Count, k = p.K;
        nint ldb = p.Ldb, ldc = p.Ldc;
        nint ars = p.TransA ? 1 : p.Lda, aks = p.TransA ? p.Lda : 1;
        bool add = p.Accumulate;
        T* b = p.B;
        T* aRow = p.A + i0 * ars;
        T* cRow = p.C + i0 * ldc;
        int vectorEnd = j0 + (j1 - j0) / w * w;
        for (int i = i0; i < i1; i++, aRow += ars, cRow += ldc)
        {
            // The k (at most four) values of row i of op(A), broadcast once per row; unused ones stay zero and unread.
            TV x0 = TO.Broadcast(aRow[0]);
            TV x1 = k > 1 ? TO.Broadcast(aRow[aks]) : TO.Zero;
            TV x2 = k > 2 ? TO.Broadcast(aRow[2 * aks]) : TO.Zero;
            TV x3 = k > 3 ? TO.Broadcast(aRow[3 * aks]) : TO.Zero;
            int j = j0;
            for (; j < vectorEnd; j += w)
            {
                T* bj = b + j;
                TV sum = TO.Fma(x0, TO.Load(bj), add ? TO.Load(cRow + j) : TO.Zero);
                if (k > 1) sum = TO.Fma(x1, TO.Load(bj + ldb), sum);
                if (k > 2) sum = TO.Fma(x2, TO.Load(bj + 2 * ldb), sum);
                if (k > 3) sum = TO.Fma(x3, TO.Load(bj + 3 * ldb), sum);
                TO.Store(cRow + j, sum);
            }
            for (; j < j1; j++)
            {
                T sum = add ? cRow[j] : T.Zero;
                for (int q = 0; q < k; q++) sum = T.FusedMultiplyAdd(aRow[q * aks], b[q * ldb + j], sum);
                cRow[j] = sum;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Micro-kernel dispatch: rows (1..8), vectors per row (1..4), A row-major or packed by k.

    private static void Panels<T, TV, TO>(int rows, int nv, bool rowMajor, T* a, nint ars, nint aks, T* b,
        nint panelStride, nint bks, nint kc, int panels, int width, T* c, nint ldc, bool add, T* scratch,
        bool maskLast = false, TV lastMask = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        switch (rows)
        {
            case 1: PanelsR<T, TV, TO, C1>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 2: PanelsR<T, TV, TO, C2>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 3: PanelsR<T, TV, TO, C3>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 4: PanelsR<T, TV, TO, C4>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 5: PanelsR<T, TV, TO, C5>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 6: PanelsR<T, TV, TO, C6>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 7: PanelsR<T, TV, TO, C7>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 8: PanelsR<T, TV, TO, C8>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            default: throw new InvalidOperationException("Tile rows out of range.");
        }
    }

    private static void PanelsR<T, TV, TO, TR>(int nv, bool rowMajor, T* a, nint ars, nint aks, T* b,
        nint panelStride, nint bks, nint kc, int panels, int width, T* c, nint ldc, bool add, T* scratch,
        bool maskLast, TV lastMask)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
    {
        switch (nv)
        {
            case 1: PanelsRN<T, TV, TO, TR, C1>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 2: PanelsRN<T, TV, TO, TR, C2>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 3: PanelsRN<T, TV, TO, TR, C3>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 4: PanelsRN<T, TV, TO, TR, C4>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 5: PanelsRN<T, TV, TO, TR, C5>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 6: PanelsRN<T, TV, TO, TR, C6>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 7: PanelsRN<T, TV, TO, TR, C7>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 8: PanelsRN<T, TV, TO, TR, C8>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            default: throw new InvalidOperationException("Tile width out of range.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelsRN<T, TV, TO, TR, TN>(bool rowMajor, T* a, nint ars, nint aks, T* b,
        nint panelStride, nint bks, nint kc, int panels, int width, T* c, nint ldc, bool add, T* scratch,
        bool maskLast, TV lastMask)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
        where TN : struct, IConst
    {
        int nr = TN.Value * TO.Count;
        if (TN.Value > 4)
        {
            if (TR.Value > 2) throw new InvalidOperationException("Wide tiles have at most 2 rows.");
            if (rowMajor)
                for (int q = 0, j = 0; q < panels; q++, j += nr)
                {
                    if (maskLast) TileWide<T, TV, TO, TR, TN, C1, C1>(a, ars, aks, b, bks, kc, c, ldc, width, add, scratch, lastMask);
                    else TileWide<T, TV, TO, TR, TN, C1, C0>(a, ars, aks, b + q * panelStride, bks, kc, c + j, ldc, Math.Min(nr, width - j), add, scratch, lastMask);
                }
            else
                for (int q = 0, j = 0; q < panels; q++, j += nr)
                {
                    if (maskLast) TileWide<T, TV, TO, TR, TN, C0, C1>(a, ars, aks, b, bks, kc, c, ldc, width, add, scratch, lastMask);
                    else TileWide<T, TV, TO, TR, TN, C0, C0>(a, ars, aks, b + q * panelStride, bks, kc, c + j, ldc, Math.Min(nr, width - j), add, scratch, lastMask);
                }
            return;
        }
        if (maskLast)
        {
            // One panel whose last vector of B is read through a mask (the columns past the end of B's rows).
            if (rowMajor) Tile<T, TV, TO, TR, TN, C1, C1>(a, ars, aks, b, bks, kc, c, ldc, width, add, scratch, lastMask);
            else Tile<T, TV, TO, TR, TN, C0, C1>(a, ars, aks, b, bks, kc, c, ldc, width, add, scratch, lastMask);
            return;
        }
        if (rowMajor)
            for (int q = 0, j = 0; q < panels; q++, j += nr)
                Tile<T, TV, TO, TR, TN, C1, C0>(a, ars, aks, b + q * panelStride, bks, kc, c + j, ldc, Math.Min(nr, width - j), add, scratch, lastMask);
        else
            for (int q = 0, j = 0; q < panels; q++, j += nr)
                Tile<T, TV, TO, TR, TN, C0, C0>(a, ars, aks, b + q * panelStride, bks, kc, c + j, ldc, Math.Min(nr, width - j), add, scratch, lastMask);
    }

    /// <summary>
    /// The micro-kernel: C[0 .. R, 0 .. cols] (+)= sum over p &lt; kc of A(r, p) B(p, 0 .. N W), where A(r, p) is
    /// a[r ars + p] (TA = 1, A row-major) or a[p aks + r] (TA = 0, A packed or stored transposed), and the N vectors
    /// of B(p, .) are at b + p bks (with TM = 1 the last one is loaded through lastMask). Columns past cols are
    /// computed but not stored (they go through scratch).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<T, TV, TO, TR, TN, TA, TM>(T* a, nint ars, nint aks, T* b, nint bks, nint kc,
        T* c, nint ldc, int cols, bool add, T* scratch, TV lastMask)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
        where TN : struct, IConst
        where TA : struct, IConst
        where TM : struct, IConst
    {
        bool maskLast = TM.Value != 0;
        int R = TR.Value, N = TN.Value;
        nint W = TO.Count;
        bool rowMajor = TA.Value != 0;
        nint rs = rowMajor ? ars : 1, ks = rowMajor ? 1 : aks;
        nint o1 = rs, o2 = 2 * rs, o3 = 3 * rs, o4 = 4 * rs, o5 = 5 * rs, o6 = 6 * rs, o7 = 7 * rs;
        TV c00 = TO.Zero, c01 = TO.Zero, c02 = TO.Zero, c03 = TO.Zero, c10 = TO.Zero, c11 = TO.Zero, c12 = TO.Zero, c13 = TO.Zero, c20 = TO.Zero, c21 = TO.Zero, c22 = TO.Zero, c23 = TO.Zero, c30 = TO.Zero, c31 = TO.Zero, c32 = TO.Zero, c33 = TO.Zero, c40 = TO.Zero, c41 = TO.Zero, c42 = TO.Zero, c43 = TO.Zero, c50 = TO.Zero, c51 = TO.Zero, c52 = TO.Zero, c53 = TO.Zero, c60 = TO.Zero, c61 = TO.Zero, c62 = TO.Zero, c63 = TO.Zero, c70 = TO.Zero, c71 = TO.Zero, c72 = TO.Zero, c73 = TO.Zero;
        T* ap = a;
        for (nint p = kc; p > 0; p--)
        {
            TV b0 = maskLast && N == 1 ? TO.LoadMasked(b, lastMask) : TO.Load(b);
            TV b1 = N > 1 ? (maskLast && N == 2 ? TO.LoadMasked(b + 1 * W, lastMask) : TO.Load(b + 1 * W)) : b0;
            TV b2 = N > 2 ? (maskLast && N == 3 ? TO.LoadMasked(b + 2 * W, lastMask) : TO.Load(b + 2 * W)) : b0;
            TV b3 = N > 3 ? (maskLast && N == 4 ? TO.LoadMasked(b + 3 * W, lastMask) : TO.Load(b + 3 * W)) : b0;
            TV x0 = TO.Broadcast(ap[0]);
            c00 = TO.Fma(x0, b0, c00);
            if (N > 1) c01 = TO.Fma(x0, b1, c01);
            if (N > 2) c02 = TO.Fma(x0, b2, c02);
            if (N > 3) c03 = TO.Fma(x0, b3, c03);
            if (R > 1)
            {
                TV x1 = TO.Broadcast(ap[o1]);
                c10 = TO.Fma(x1, b0, c10);
                if (N > 1) c11 = TO.Fma(x1, b1, c11);
                if (N > 2) c12 = TO.Fma(x1, b2, c12);
                if (N > 3) c13 = TO.Fma(x1, b3, c13);
            }
            if (R > 2)
            {
                TV x2 = TO.Broadcast(ap[o2]);
                c20 = TO.Fma(x2, b0, c20);
                if (N > 1) c21 = TO.Fma(x2, b1, c21);
                if (N > 2) c22 = TO.Fma(x2, b2, c22);
                if (N > 3) c23 = TO.Fma(x2, b3, c23);
            }
            if (R > 3)
            {
                TV x3 = TO.Broadcast(ap[o3]);
                c30 = TO.Fma(x3, b0, c30);
                if (N > 1) c31 = TO.Fma(x3, b1, c31);
                if (N > 2) c32 = TO.Fma(x3, b2, c32);
                if (N > 3) c33 = TO.Fma(x3, b3, c33);
            }
            if (R > 4)
            {
                TV x4 = TO.Broadcast(ap[o4]);
                c40 = TO.Fma(x4, b0, c40);
                if (N > 1) c41 = TO.Fma(x4, b1, c41);
                if (N > 2) c42 = TO.Fma(x4, b2, c42);
                if (N > 3) c43 = TO.Fma(x4, b3, c43);
            }
            if (R > 5)
            {
                TV x5 = TO.Broadcast(ap[o5]);
                c50 = TO.Fma(x5, b0, c50);
                if (N > 1) c51 = TO.Fma(x5, b1, c51);
                if (N > 2) c52 = TO.Fma(x5, b2, c52);
                if (N > 3) c53 = TO.Fma(x5, b3, c53);
            }
            if (R > 6)
            {
                TV x6 = TO.Broadcast(ap[o6]);
                c60 = TO.Fma(x6, b0, c60);
                if (N > 1) c61 = TO.Fma(x6, b1, c61);
                if (N > 2) c62 = TO.Fma(x6, b2, c62);
                if (N > 3) c63 = TO.Fma(x6, b3, c63);
            }
            if (R > 7)
            {
                TV x7 = TO.Broadcast(ap[o7]);
                c70 = TO.Fma(x7, b0, c70);
                if (N > 1) c71 = TO.Fma(x7, b1, c71);
                if (N > 2) c72 = TO.Fma(x7, b2, c72);
                if (N > 3) c73 = TO.Fma(x7, b3, c73);
            }
            ap += ks;
            b += bks;
        }
        T* dst = c;
        nint dstStride = ldc;
        bool full = cols == N * W;
        if (!full)
        {
            dst = scratch;
            dstStride = N * W;
        }
        bool addHere = add && full;
        Put<T, TV, TO>(dst + 0 * W, c00, addHere);
        if (N > 1) Put<T, TV, TO>(dst + 1 * W, c01, addHere);
        if (N > 2) Put<T, TV, TO>(dst + 2 * W, c02, addHere);
        if (N > 3) Put<T, TV, TO>(dst + 3 * W, c03, addHere);
        if (R > 1)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c10, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c11, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c12, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c13, addHere);
        }
        if (R > 2)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c20, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c21, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c22, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c23, addHere);
        }
        if (R > 3)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c30, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c31, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c32, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c33, addHere);
        }
        if (R > 4)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c40, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c41, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c42, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c43, addHere);
        }
        if (R > 5)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c50, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c51, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c52, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c53, addHere);
        }
        if (R > 6)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c60, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c61, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c62, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c63, addHere);
        }
        if (R > 7)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c70, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c71, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c72, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c73, addHere);
        }
        if (!full) StorePartial(scratch, N * W, R, cols, c, ldc, add);
    }

    /// <summary><see cref="Tile"/> for up to 2 rows and up to 8 vectors (the direct path with m &lt;= 2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileWide<T, TV, TO, TR, TN, TA, TM>(T* a, nint ars, nint aks, T* b, nint bks, nint kc,
        T* c, nint ldc, int cols, bool add, T* scratch, TV lastMask)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
        where TN : struct, IConst
        where TA : struct, IConst
        where TM : struct, IConst
    {
        bool maskLast = TM.Value != 0;
        int R = TR.Value, N = TN.Value;
        nint W = TO.Count;
        bool rowMajor = TA.Value != 0;
        nint rs = rowMajor ? ars : 1, ks = rowMajor ? 1 : aks;
        nint o1 = rs;
        TV c00 = TO.Zero, c01 = TO.Zero, c02 = TO.Zero, c03 = TO.Zero, c04 = TO.Zero, c05 = TO.Zero, c06 = TO.Zero, c07 = TO.Zero, c10 = TO.Zero, c11 = TO.Zero, c12 = TO.Zero, c13 = TO.Zero, c14 = TO.Zero, c15 = TO.Zero, c16 = TO.Zero, c17 = TO.Zero;
        T* ap = a;
        for (nint p = kc; p > 0; p--)
        {
            TV b0 = maskLast && N == 1 ? TO.LoadMasked(b, lastMask) : TO.Load(b);
            TV b1 = N > 1 ? (maskLast && N == 2 ? TO.LoadMasked(b + 1 * W, lastMask) : TO.Load(b + 1 * W)) : b0;
            TV b2 = N > 2 ? (maskLast && N == 3 ? TO.LoadMasked(b + 2 * W, lastMask) : TO.Load(b + 2 * W)) : b0;
            TV b3 = N > 3 ? (maskLast && N == 4 ? TO.LoadMasked(b + 3 * W, lastMask) : TO.Load(b + 3 * W)) : b0;
            TV b4 = N > 4 ? (maskLast && N == 5 ? TO.LoadMasked(b + 4 * W, lastMask) : TO.Load(b + 4 * W)) : b0;
            TV b5 = N > 5 ? (maskLast && N == 6 ? TO.LoadMasked(b + 5 * W, lastMask) : TO.Load(b + 5 * W)) : b0;
            TV b6 = N > 6 ? (maskLast && N == 7 ? TO.LoadMasked(b + 6 * W, lastMask) : TO.Load(b + 6 * W)) : b0;
            TV b7 = N > 7 ? (maskLast && N == 8 ? TO.LoadMasked(b + 7 * W, lastMask) : TO.Load(b + 7 * W)) : b0;
            TV x0 = TO.Broadcast(ap[0]);
            c00 = TO.Fma(x0, b0, c00);
            if (N > 1) c01 = TO.Fma(x0, b1, c01);
            if (N > 2) c02 = TO.Fma(x0, b2, c02);
            if (N > 3) c03 = TO.Fma(x0, b3, c03);
            if (N > 4) c04 = TO.Fma(x0, b4, c04);
            if (N > 5) c05 = TO.Fma(x0, b5, c05);
            if (N > 6) c06 = TO.Fma(x0, b6, c06);
            if (N > 7) c07 = TO.Fma(x0, b7, c07);
            if (R > 1)
            {
                TV x1 = TO.Broadcast(ap[o1]);
                c10 = TO.Fma(x1, b0, c10);
                if (N > 1) c11 = TO.Fma(x1, b1, c11);
                if (N > 2) c12 = TO.Fma(x1, b2, c12);
                if (N > 3) c13 = TO.Fma(x1, b3, c13);
                if (N > 4) c14 = TO.Fma(x1, b4, c14);
                if (N > 5) c15 = TO.Fma(x1, b5, c15);
                if (N > 6) c16 = TO.Fma(x1, b6, c16);
                if (N > 7) c17 = TO.Fma(x1, b7, c17);
            }
            ap += ks;
            b += bks;
        }
        T* dst = c;
        nint dstStride = ldc;
        bool full = cols == N * W;
        if (!full)
        {
            dst = scratch;
            dstStride = N * W;
        }
        bool addHere = add && full;
        Put<T, TV, TO>(dst + 0 * W, c00, addHere);
        if (N > 1) Put<T, TV, TO>(dst + 1 * W, c01, addHere);
        if (N > 2) Put<T, TV, TO>(dst + 2 * W, c02, addHere);
        if (N > 3) Put<T, TV, TO>(dst + 3 * W, c03, addHere);
        if (N > 4) Put<T, TV, TO>(dst + 4 * W, c04, addHere);
        if (N > 5) Put<T, TV, TO>(dst + 5 * W, c05, addHere);
        if (N > 6) Put<T, TV, TO>(dst + 6 * W, c06, addHere);
        if (N > 7) Put<T, TV, TO>(dst + 7 * W, c07, addHere);
        if (R > 1)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c10, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c11, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c12, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c13, addHere);
            if (N > 4) Put<T, TV, TO>(dst + 4 * W, c14, addHere);
            if (N > 5) Put<T, TV, TO>(dst + 5 * W, c15, addHere);
            if (N > 6) Put<T, TV, TO>(dst + 6 * W, c16, addHere);
            if (N > 7) Put<T, TV, TO>(dst + 7 * W, c17, addHere);
        }
        if (!full) StorePartial(scratch, N * W, R, cols, c, ldc, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<T, TV, TO>(T* dst, TV v, bool add)
        where T : unmanaged
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        if (add) v = TO.Add(TO.Load(dst), v);
        TO.Store(dst, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StorePartial<T>(T* tile, nint tileStride, int rows, int cols, T* c, nint ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++, tile += tileStride, c += ldc)
        {
            if (add)
                for (int j = 0; j < cols; j++) c[j] += tile[j];
            else
                for (int j = 0; j < cols; j++) c[j] = tile[j];
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Gemv path: one row of A, B transposed (batch-1 inference, y = x W^T with W [out, in]): C[0, j] = dot(A, B row j).

    /// <summary>Rows of B per block of the gemv kernel.</summary>
    private const int GemvRows = 4;

    /// <summary>
    /// Shortest k for the gemv path. Below it the rows of B are too short to stream, the lane sums dominate, and the dot
    /// tile (eight rows per sum) is faster: 17 -> 256 took 0.47 us there, 0.52 us here.
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

    // ---------------------------------------------------------------------------------------------------------------
    // Dot path: A not transposed, B transposed, m or n small.

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

    private static int RoundUp(int x, int to) => (x + to - 1) / to * to;

    private static nint RoundUp(nint x, nint to) => (x + to - 1) / to * to;
}

/// <summary>The operands of one multiply, pinned for its duration.</summary>
internal readonly unsafe struct Problem<T> where T : unmanaged
{
    public readonly bool TransA, TransB, Accumulate;
    public readonly int M, N, K, Lda, Ldb, Ldc;
    public readonly T* A, B, C;

    public Problem(bool transA, bool transB, int m, int n, int k, T* a, int lda, T* b, int ldb, T* c, int ldc, bool accumulate)
    {
        TransA = transA;
        TransB = transB;
        M = m;
        N = n;
        K = k;
        A = a;
        Lda = lda;
        B = b;
        Ldb = ldb;
        C = c;
        Ldc = ldc;
        Accumulate = accumulate;
    }
}

/// <summary>Per-thread packing memory: pinned, 64-byte aligned, grown on demand and reused.</summary>
internal static unsafe class Scratch<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? array;

    public static T* Get(nint length)
    {
        nint pad = 64 / sizeof(T);
        T[]? arr = array;
        if (arr is null || arr.Length < length + pad)
        {
            arr = GC.AllocateUninitializedArray<T>(checked((int)(length + pad)), pinned: true);
            array = arr;
        }
        byte* p = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(arr));
        return (T*)(p + ((64 - ((nint)p & 63)) & 63));
    }
}

/// <summary>A compile-time integer carried by a type argument (the JIT folds it into each instantiation).</summary>
internal interface IConst
{
    static abstract int Value { get; }
}

internal readonly struct C0 : IConst { public static int Value => 0; }
internal readonly struct C1 : IConst { public static int Value => 1; }
internal readonly struct C2 : IConst { public static int Value => 2; }
internal readonly struct C3 : IConst { public static int Value => 3; }
internal readonly struct C4 : IConst { public static int Value => 4; }
internal readonly struct C5 : IConst { public static int Value => 5; }
internal readonly struct C6 : IConst { public static int Value => 6; }
internal readonly struct C7 : IConst { public static int Value => 7; }
internal readonly struct C8 : IConst { public static int Value => 8; }

/// <summary>The vector operations the kernels use, and the tile shapes that suit the register file.</summary>
internal unsafe interface IVec<TV, T> where TV : struct where T : unmanaged
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Rows of the general micro-tile.</summary>
    static abstract int MR { get; }

    /// <summary>Vectors per row of the general micro-tile.</summary>
    static abstract int NV { get; }

    /// <summary>Vectors per row of the direct (m &lt;= 4) micro-tile with the given number of rows.</summary>
    static abstract int DirectNV(int rows);

    /// <summary>Accumulators of a dot tile (rows times columns).</summary>
    static abstract int DotAccumulators { get; }

    static abstract TV Zero { get; }
    static abstract TV Load(T* p);
    static abstract void Store(T* p, TV v);
    static abstract TV Broadcast(T x);

    /// <summary>a b + c, rounded once.</summary>
    static abstract TV Fma(TV a, TV b, TV c);

    static abstract TV Add(TV a, TV b);

    /// <summary>Lanes of <paramref name="a"/> where the mask is set, of <paramref name="b"/> elsewhere.</summary>
    static abstract TV Select(TV mask, TV a, TV b);

    /// <summary>All bits set in the first <paramref name="count"/> lanes, zero in the others.</summary>
    static abstract TV LowMask(int count);

    /// <summary>All bits set in the last <paramref name="count"/> lanes, zero in the others.</summary>
    static abstract TV HighMask(int count);

    /// <summary>Loads the lanes where the mask is set (others zero); memory under clear lanes is not touched.</summary>
    static abstract TV LoadMasked(T* p, TV mask);

    /// <summary>Lane i of the result is lane (i - shift) mod Count of v.</summary>
    static abstract TV Rotate(TV v, int shift);

    static abstract T Sum(TV v);

    /// <summary>
    /// c[s] (+)= the sum of the lanes of ds, for s &lt; count (at most 8). The lanes of every vector are added in
    /// the same order whatever its position, so the result of an element does not depend on its neighbours.
    /// </summary>
    static abstract void StoreSums(T* c, int count, bool add, TV d0, TV d1, TV d2, TV d3, TV d4, TV d5, TV d6, TV d7);
}

internal readonly unsafe struct V512<T> : IVec<Vector512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;
    public static int MR => 8;
    public static int NV => 2;
    public static int DirectNV(int rows) => rows <= 2 ? 8 : 4;
    public static int DotAccumulators => 24;
    public static Vector512<T> Zero => Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* p) => Vector512.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* p, Vector512<T> v) => Vector512.Store(v, p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T x) => Vector512.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Select(Vector512<T> mask, Vector512<T> a, Vector512<T> b) => Vector512.ConditionalSelect(mask, a, b);

    public static Vector512<T> LowMask(int count) =>
        Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(count)));

    public static Vector512<T> HighMask(int count) =>
        Vector512.GreaterThanOrEqual(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(Count - count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadMasked(T* p, Vector512<T> mask)
    {
        if (typeof(T) == typeof(float))
            return Avx512F.MaskLoad((float*)p, mask.AsSingle(), Vector512<float>.Zero).As<float, T>();
        if (typeof(T) == typeof(double))
            return Avx512F.MaskLoad((double*)p, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Rotate(Vector512<T> v, int shift)
    {
        if (typeof(T) == typeof(float))
        {
            Vector512<int> idx = (Vector512<int>.Indices - Vector512.Create(shift)) & Vector512.Create(15);
            return Vector512.Shuffle(v.AsSingle(), idx).As<float, T>();
        }
        if (typeof(T) == typeof(double))
        {
            Vector512<long> idx = (Vector512<long>.Indices - Vector512.Create((long)shift)) & Vector512.Create(7L);
            return Vector512.Shuffle(v.AsDouble(), idx).As<double, T>();
        }
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> v) => Vector512.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums(T* c, int count, bool add, Vector512<T> d0, Vector512<T> d1, Vector512<T> d2,
        Vector512<T> d3, Vector512<T> d4, Vector512<T> d5, Vector512<T> d6, Vector512<T> d7)
    {
        if (Avx.IsSupported)
        {
            V256<T>.StoreSums(c, count, add, d0.GetLower() + d0.GetUpper(), d1.GetLower() + d1.GetUpper(),
                d2.GetLower() + d2.GetUpper(), d3.GetLower() + d3.GetUpper(), d4.GetLower() + d4.GetUpper(),
                d5.GetLower() + d5.GetUpper(), d6.GetLower() + d6.GetUpper(), d7.GetLower() + d7.GetUpper());
            return;
        }
        Sums.Scalar(c, count, add, Sum(d0), Sum(d1), Sum(d2), Sum(d3), Sum(d4), Sum(d5), Sum(d6), Sum(d7));
    }
}

internal readonly unsafe struct V256<T> : IVec<Vector256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;
    public static int MR => 6;
    public static int NV => 2;
    public static int DirectNV(int rows) => rows == 1 ? 6 : rows == 2 ? 4 : 2;
    public static int DotAccumulators => 8;
    public static Vector256<T> Zero => Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* p, Vector256<T> v) => Vector256.Store(v, p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T x) => Vector256.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Select(Vector256<T> mask, Vector256<T> a, Vector256<T> b) => Vector256.ConditionalSelect(mask, a, b);

    public static Vector256<T> LowMask(int count) =>
        Vector256.LessThan(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(count)));

    public static Vector256<T> HighMask(int count) =>
        Vector256.GreaterThanOrEqual(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(Count - count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LoadMasked(T* p, Vector256<T> mask)
    {
        if (Avx.IsSupported)
        {
            if (typeof(T) == typeof(float)) return Avx.MaskLoad((float*)p, mask.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double)) return Avx.MaskLoad((double*)p, mask.AsDouble()).As<double, T>();
        }
        // Portable fallback: lane by lane, touching only the lanes that are set.
        T* tmp = stackalloc T[Vector256<T>.Count];
        for (int i = 0; i < Vector256<T>.Count; i++)
            tmp[i] = T.IsNaN(mask.GetElement(i)) ? p[i] : T.Zero;
        return Vector256.Load(tmp);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Rotate(Vector256<T> v, int shift)
    {
        if (typeof(T) == typeof(float))
        {
            Vector256<int> idx = (Vector256<int>.Indices - Vector256.Create(shift)) & Vector256.Create(7);
            return Vector256.Shuffle(v.AsSingle(), idx).As<float, T>();
        }
        if (typeof(T) == typeof(double))
        {
            Vector256<long> idx = (Vector256<long>.Indices - Vector256.Create((long)shift)) & Vector256.Create(3L);
            return Vector256.Shuffle(v.AsDouble(), idx).As<double, T>();
        }
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> v) => Vector256.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums(T* c, int count, bool add, Vector256<T> d0, Vector256<T> d1, Vector256<T> d2,
        Vector256<T> d3, Vector256<T> d4, Vector256<T> d5, Vector256<T> d6, Vector256<T> d7)
    {
        if (Avx.IsSupported && typeof(T) == typeof(float))
        {
            // Pairwise sums within 128-bit lanes, then the two lanes: s_i = ((e0 + e1) + (e2 + e3)) + ((e4 + e5) + (e6 + e7)).
            Vector256<float> u0 = Avx.HorizontalAdd(
                Avx.HorizontalAdd(d0.AsSingle(), d1.AsSingle()), Avx.HorizontalAdd(d2.AsSingle(), d3.AsSingle()));
            Vector256<float> u1 = Avx.HorizontalAdd(
                Avx.HorizontalAdd(d4.AsSingle(), d5.AsSingle()), Avx.HorizontalAdd(d6.AsSingle(), d7.AsSingle()));
            Vector256<float> s = Avx.Permute2x128(u0, u1, 0x20) + Avx.Permute2x128(u0, u1, 0x31);
            Sums.Store(c, count, add, s.As<float, T>());
            return;
        }
        if (Avx.IsSupported && typeof(T) == typeof(double))
        {
            // s_i = (e0 + e1) + (e2 + e3).
            Vector256<double> t01 = Avx.HorizontalAdd(d0.AsDouble(), d1.AsDouble()), t23 = Avx.HorizontalAdd(d2.AsDouble(), d3.AsDouble());
            Vector256<double> t45 = Avx.HorizontalAdd(d4.AsDouble(), d5.AsDouble()), t67 = Avx.HorizontalAdd(d6.AsDouble(), d7.AsDouble());
            Vector256<double> s0 = Avx.Permute2x128(t01, t23, 0x20) + Avx.Permute2x128(t01, t23, 0x31);
            Vector256<double> s1 = Avx.Permute2x128(t45, t67, 0x20) + Avx.Permute2x128(t45, t67, 0x31);
            Sums.Store(c, Math.Min(count, 4), add, s0.As<double, T>());
            if (count > 4) Sums.Store(c + 4, count - 4, add, s1.As<double, T>());
            return;
        }
        Sums.Scalar(c, count, add, Sum(d0), Sum(d1), Sum(d2), Sum(d3), Sum(d4), Sum(d5), Sum(d6), Sum(d7));
    }
}

/// <summary>One lane: the portable fallback when no vector width is accelerated.</summary>
internal readonly unsafe struct VScalar<T> : IVec<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;
    public static int MR => 4;
    public static int NV => 2;
    public static int DirectNV(int rows) => 2;
    public static int DotAccumulators => 8;
    public static T Zero => T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(T* p) => *p;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* p, T v) => *p = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Fma(T a, T b, T c) => T.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b) => a + b;

    public static T Select(T mask, T a, T b) => throw new NotSupportedException();

    public static T LowMask(int count) => throw new NotSupportedException();

    public static T HighMask(int count) => throw new NotSupportedException();

    public static T LoadMasked(T* p, T mask) => throw new NotSupportedException();

    public static T Rotate(T v, int shift) => v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T v) => v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums(T* c, int count, bool add, T d0, T d1, T d2, T d3, T d4, T d5, T d6, T d7) =>
        Sums.Scalar(c, count, add, d0, d1, d2, d3, d4, d5, d6, d7);
}

/// <summary>Writing a row of dot products into C.</summary>
internal static unsafe class Sums
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(T* c, int count, bool add, Vector256<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (count == Vector256<T>.Count)
        {
            if (add) s += Vector256.Load(c);
            Vector256.Store(s, c);
            return;
        }
        if (count * sizeof(T) == 16)
        {
            Vector128<T> low = s.GetLower();
            if (add) low += Vector128.Load(c);
            Vector128.Store(low, c);
            return;
        }
        for (int i = 0; i < count; i++) c[i] = add ? c[i] + s.GetElement(i) : s.GetElement(i);
    }

    public static void Scalar<T>(T* c, int count, bool add, T s0, T s1, T s2, T s3, T s4, T s5, T s6, T s7)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* s = stackalloc T[8];
        s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3; s[4] = s4; s[5] = s5; s[6] = s6; s[7] = s7;
        for (int i = 0; i < count; i++) c[i] = add ? c[i] + s[i] : s[i];
    }
}
