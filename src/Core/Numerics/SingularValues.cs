// Singular values of a small tall matrix by one-sided Jacobi (Hestenes' method): plane rotations orthogonalize
// the columns pairwise until every pair is orthogonal to working precision; the column norms are then the
// singular values. Slow for big matrices, but simple and accurate even for the tiny singular values that a rank
// test looks at (Demmel & Veselic, 1992), which is what the PBH tests of LQR need.
namespace Control.Core.Numerics;

/// <summary>Singular values of a real rows x cols row-major matrix with rows &gt;= cols.</summary>
public static class SingularValues
{
    private const int MaxSweeps = 60;

    /// <summary>
    /// Writes the cols singular values of <paramref name="a"/> (rows x cols, rows &gt;= cols) into
    /// <paramref name="values"/>, unsorted, using <paramref name="workspace"/> (rows * cols entries); allocates nothing.
    /// </summary>
    public static void Compute(ReadOnlySpan<double> a, int rows, int cols, Span<double> values, Span<double> workspace)
    {
        if (rows < cols || cols < 1) throw new ArgumentException($"SingularValues: expected rows >= cols >= 1, got {rows} x {cols}.");
        if (a.Length != rows * cols) throw new ArgumentException($"SingularValues: expected {rows * cols} entries, got {a.Length}.");
        if (values.Length < cols || workspace.Length < rows * cols)
            throw new ArgumentException($"SingularValues: expected {cols} outputs and a workspace of {rows * cols} entries.");
        Span<double> w = workspace[..(rows * cols)];
        a.CopyTo(w);

        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < cols - 1; p++)
            {
                for (int q = p + 1; q < cols; q++)
                {
                    double alpha = 0, beta = 0, gamma = 0;
                    for (int i = 0; i < rows; i++)
                    {
                        double wp = w[i * cols + p], wq = w[i * cols + q];
                        alpha += wp * wp;
                        beta += wq * wq;
                        gamma += wp * wq;
                    }
                    if (gamma == 0 || Math.Abs(gamma) <= 1e-15 * Math.Sqrt(alpha * beta)) continue;
                    rotated = true;
                    // The rotation that zeroes the (p, q) entry of W'W.
                    double zeta = (beta - alpha) / (2 * gamma);
                    double tangent = Math.Sign(zeta) / (Math.Abs(zeta) + Math.Sqrt(1 + zeta * zeta));
                    if (zeta == 0) tangent = 1;
                    double cosine = 1 / Math.Sqrt(1 + tangent * tangent);
                    double sine = cosine * tangent;
                    for (int i = 0; i < rows; i++)
                    {
                        double wp = w[i * cols + p], wq = w[i * cols + q];
                        w[i * cols + p] = cosine * wp - sine * wq;
                        w[i * cols + q] = sine * wp + cosine * wq;
                    }
                }
            }
            if (!rotated) break;
        }

        for (int j = 0; j < cols; j++)
        {
            double sum = 0;
            for (int i = 0; i < rows; i++) sum += w[i * cols + j] * w[i * cols + j];
            values[j] = Math.Sqrt(sum);
        }
    }
}
