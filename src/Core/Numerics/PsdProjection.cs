// Projection of a small symmetric matrix onto the positive semidefinite cone (negative eigenvalues set to zero) by
// cyclic Jacobi rotations. The LQR planner uses it on the quadratized cost: terms like 1 - cos(theta) curve downward
// away from their minimum, and a quadratic model with that negative curvature is unbounded below. (For iLQR it was
// measured and rejected: the Gauss-Newton model converges far more slowly in warm-started MPC, see bench/RESULTS.md.)
namespace Control.Core.Numerics;

/// <summary>Eigen-decomposition-based projection of symmetric matrices onto the PSD cone; one instance per thread.</summary>
public sealed class PsdProjection
{
    private const int MaxSweeps = 50;
    private readonly double[] work, vectors, values;
    private readonly int size;

    /// <summary>Scratch for n x n matrices.</summary>
    public PsdProjection(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "expected a positive size");
        size = n;
        work = new double[n * n];
        vectors = new double[n * n];
        values = new double[n];
    }

    /// <summary>
    /// Replaces the symmetric n x n matrix <paramref name="a"/> (row-major) by V max(Lambda, 0) V'. Returns false, leaving
    /// it untouched, when it was already positive semidefinite (a Cholesky factorization with a tiny shift succeeds).
    /// </summary>
    public bool Project(Span<double> a)
    {
        int n = size;
        if (a.Length != n * n) throw new ArgumentException($"PsdProjection: expected {n * n} entries, got {a.Length}.");
        double scale = 0;
        for (int i = 0; i < a.Length; i++) scale = Math.Max(scale, Math.Abs(a[i]));
        a.CopyTo(work);
        for (int i = 0; i < n; i++) work[i * n + i] += 1e-12 * (1 + scale);
        if (Cholesky.Factor(work, n, work)) return false;

        Decompose(a);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++)
                {
                    if (values[k] > 0) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
                }
                a[i * n + j] = s;
            }
        }
        return true;
    }

    // Cyclic Jacobi: rotate off-diagonal entries to zero until they are negligible; columns of `vectors` are the eigenvectors.
    private void Decompose(ReadOnlySpan<double> a)
    {
        int n = size;
        a.CopyTo(work);
        Array.Clear(vectors);
        for (int i = 0; i < n; i++) vectors[i * n + i] = 1;
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double off = 0, total = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double v = work[i * n + j] * work[i * n + j];
                    total += v;
                    if (i != j) off += v;
                }
            }
            if (off <= 1e-30 * total) break;
            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = work[p * n + q];
                    if (apq == 0) continue;
                    double theta = (work[q * n + q] - work[p * n + p]) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = work[k * n + p], akq = work[k * n + q];
                        work[k * n + p] = c * akp - s * akq;
                        work[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = work[p * n + k], aqk = work[q * n + k];
                        work[p * n + k] = c * apk - s * aqk;
                        work[q * n + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = vectors[k * n + p], vkq = vectors[k * n + q];
                        vectors[k * n + p] = c * vkp - s * vkq;
                        vectors[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) values[i] = work[i * n + i];
    }
}
