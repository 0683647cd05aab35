namespace Control.Tensors.Kernels;

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
