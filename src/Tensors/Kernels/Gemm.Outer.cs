// Outer path: small k and n, B not transposed, any m (the weight gradient dW = dY^T X of a first layer with few
// inputs at a batch of 1 to 4 rows). The general path would pack both operands into panels mostly of padding and
// run its tiles for a k loop of one to four steps; here each row of C is written once, in vectors along the row,
// from A and B read in place. Element (i, j) is the fused multiply-add chain over p = 0 .. k - 1 started from C (or
// zero), in the vector lanes and in the scalar tail alike.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Control.Tensors.Kernels;

internal static unsafe partial class Gemm
{
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
}
