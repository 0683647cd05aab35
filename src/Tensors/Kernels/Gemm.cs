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
// The kernel bodies spell out every accumulator (c00..c73, d00..d37) as a separate local: the JIT keeps a local of
// vector type in a register, but not the elements of an array or a span, and a loop over accumulators would not
// become independent fused multiply-add chains. The unused ones of a smaller tile are folded away with its constants.
// A split product runs its two halves as the two chunks of a WorkSharing loop of the calling thread (pool helpers).
// Files: Gemm.cs (this one: constants, checks, path choice, threading), Gemm.Gemv.cs, Gemm.Dot.cs, Gemm.Direct.cs,
// Gemm.Outer.cs, Gemm.General.cs (packing), Gemm.MicroKernel.cs (the register tiles of the direct and general paths),
// Gemm.Constants.cs (the constant type arguments); beside them Problem, Scratch, IVec with V512, V256, VScalar, Sums.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Control.Core.Threading;

namespace Control.Tensors.Kernels;

/// <summary>General matrix multiply, C = op(A) op(B) (+ C), for <see cref="float"/> and <see cref="double"/>.</summary>
[SkipLocalsInit]
internal static unsafe partial class Gemm
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
}
