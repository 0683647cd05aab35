// Direct path: small m, B not transposed; A and B read in place.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Control.Tensors.Kernels;

internal static unsafe partial class Gemm
{
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
}
