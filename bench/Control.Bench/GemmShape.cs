namespace Control.Bench;

/// <summary>One product: C (m x n) = op(A) op(B), op(A) m x k, op(B) k x n, all row-major with tight strides.</summary>
public sealed record GemmShape(string Name, bool TransA, bool TransB, int M, int N, int K, bool Accumulate, int Threads,
    double? TotalFlops = null)
{
    public double Flops => TotalFlops ?? 2.0 * M * N * K;

    public override string ToString() => Name;
}
