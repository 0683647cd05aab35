// Small dense linear algebra on row-major spans, for the Riccati recursions of LQR: a general matrix product,
// the LU factorization with its solve, and a few helpers (Cholesky has its own class). Nothing allocates: every routine works
// in place or into a caller's buffer, so solvers can preallocate once and run allocation-free. Sizes are the
// ones of control problems (n up to a few dozen); the loops are plain i-k-j loops that stream rows.
namespace Control.Core.Numerics;

/// <summary>
/// Dense matrix kernels on flat row-major spans. An r x c matrix <c>M</c> stores <c>M[i, j]</c> at
/// <c>i * c + j</c>. Outputs must not overlap inputs unless a method says it works in place.
/// </summary>
public static class DenseMatrix
{
    /// <summary>
    /// C = alpha op(A) op(B) + beta C, with op(X) = X or X' as asked; op(A) is rows x inner, op(B) is inner x cols,
    /// C is rows x cols. With beta = 0, C's old contents are ignored (NaN in C does not leak through).
    /// </summary>
    public static void Gemm(bool transposeA, bool transposeB, int rows, int inner, int cols,
        double alpha, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double beta, Span<double> c)
    {
        CheckLength("A", rows * inner, a.Length);
        CheckLength("B", inner * cols, b.Length);
        CheckLength("C", rows * cols, c.Length);
        if (beta == 0) c[..(rows * cols)].Clear();
        else if (beta != 1)
        {
            for (int i = 0; i < rows * cols; i++) c[i] *= beta;
        }
        for (int i = 0; i < rows; i++)
        {
            Span<double> cRow = c.Slice(i * cols, cols);
            for (int k = 0; k < inner; k++)
            {
                double aik = alpha * (transposeA ? a[k * rows + i] : a[i * inner + k]);
                if (aik == 0) continue;
                if (transposeB)
                {
                    for (int j = 0; j < cols; j++) cRow[j] += aik * b[j * inner + k];
                }
                else
                {
                    ReadOnlySpan<double> bRow = b.Slice(k * cols, cols);
                    for (int j = 0; j < cols; j++) cRow[j] += aik * bRow[j];
                }
            }
        }
    }

    /// <summary>y = alpha op(A) x + beta y, op(A) rows x cols.</summary>
    public static void Gemv(bool transposeA, int rows, int cols, double alpha, ReadOnlySpan<double> a,
        ReadOnlySpan<double> x, double beta, Span<double> y)
    {
        CheckLength("A", rows * cols, a.Length);
        CheckLength("x", cols, x.Length);
        CheckLength("y", rows, y.Length);
        for (int i = 0; i < rows; i++)
        {
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += (transposeA ? a[j * rows + i] : a[i * cols + j]) * x[j];
            y[i] = beta == 0 ? alpha * sum : alpha * sum + beta * y[i];
        }
    }

    /// <summary>
    /// LU factorization with partial pivoting, in place: P A = L U with unit-lower L below the diagonal and U on
    /// and above it; <paramref name="pivots"/>[i] is the row swapped with row i. Returns false when a pivot is
    /// exactly zero or not finite (A singular or not finite).
    /// </summary>
    public static bool LuFactor(Span<double> a, int n, Span<int> pivots)
    {
        CheckLength("A", n * n, a.Length);
        CheckLength("pivots", n, pivots.Length);
        for (int j = 0; j < n; j++)
        {
            int best = j;
            double bestAbs = Math.Abs(a[j * n + j]);
            for (int i = j + 1; i < n; i++)
            {
                double v = Math.Abs(a[i * n + j]);
                if (v > bestAbs) { best = i; bestAbs = v; }
            }
            pivots[j] = best;
            if (!(bestAbs > 0) || !double.IsFinite(bestAbs)) return false;
            if (best != j)
            {
                for (int k = 0; k < n; k++) (a[j * n + k], a[best * n + k]) = (a[best * n + k], a[j * n + k]);
            }
            double pivot = a[j * n + j];
            for (int i = j + 1; i < n; i++)
            {
                double factor = a[i * n + j] / pivot;
                a[i * n + j] = factor;
                if (factor == 0) continue;
                for (int k = j + 1; k < n; k++) a[i * n + k] -= factor * a[j * n + k];
            }
        }
        return true;
    }

    /// <summary>Solves A X = B in place for the n x columns right-hand side <paramref name="b"/>, from <see cref="LuFactor"/>'s output.</summary>
    public static void LuSolve(ReadOnlySpan<double> lu, int n, ReadOnlySpan<int> pivots, Span<double> b, int columns)
    {
        CheckLength("LU", n * n, lu.Length);
        CheckLength("pivots", n, pivots.Length);
        CheckLength("B", n * columns, b.Length);
        for (int i = 0; i < n; i++)
        {
            int p = pivots[i];
            if (p == i) continue;
            for (int c = 0; c < columns; c++) (b[i * columns + c], b[p * columns + c]) = (b[p * columns + c], b[i * columns + c]);
        }
        for (int c = 0; c < columns; c++)
        {
            for (int i = 1; i < n; i++)
            {
                double sum = b[i * columns + c];
                for (int k = 0; k < i; k++) sum -= lu[i * n + k] * b[k * columns + c];
                b[i * columns + c] = sum;
            }
            for (int i = n - 1; i >= 0; i--)
            {
                double sum = b[i * columns + c];
                for (int k = i + 1; k < n; k++) sum -= lu[i * n + k] * b[k * columns + c];
                b[i * columns + c] = sum / lu[i * n + i];
            }
        }
    }

    /// <summary>Replaces the n x n matrix by (A + A') / 2, in place.</summary>
    public static void Symmetrize(Span<double> a, int n)
    {
        CheckLength("A", n * n, a.Length);
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double mean = 0.5 * (a[i * n + j] + a[j * n + i]);
                a[i * n + j] = mean;
                a[j * n + i] = mean;
            }
        }
    }

    /// <summary>Adds <paramref name="value"/> to the diagonal of the n x n matrix, in place.</summary>
    public static void AddToDiagonal(Span<double> a, int n, double value)
    {
        CheckLength("A", n * n, a.Length);
        for (int i = 0; i < n; i++) a[i * n + i] += value;
    }

    /// <summary>Writes the transpose of the rows x cols matrix <paramref name="a"/> into <paramref name="result"/> (cols x rows).</summary>
    public static void Transpose(ReadOnlySpan<double> a, int rows, int cols, Span<double> result)
    {
        CheckLength("A", rows * cols, a.Length);
        CheckLength("result", rows * cols, result.Length);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) result[j * rows + i] = a[i * cols + j];
        }
    }

    /// <summary>Frobenius norm sqrt(sum a_ij^2), scaled to avoid overflow.</summary>
    public static double FrobeniusNorm(ReadOnlySpan<double> a)
    {
        double scale = MaxAbs(a);
        if (scale == 0 || !double.IsFinite(scale)) return scale;
        double sum = 0;
        foreach (double v in a) sum += (v / scale) * (v / scale);
        return scale * Math.Sqrt(sum);
    }

    /// <summary>
    /// Frobenius norm of the difference ||x - y||_F, scaled by max |x_ij - y_ij| to avoid overflow, without forming
    /// x - y: the step size of a fixed-point iteration on matrices.
    /// </summary>
    public static double FrobeniusDistance(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        CheckLength("y", x.Length, y.Length);
        double scale = 0;
        for (int i = 0; i < x.Length; i++) scale = Math.Max(scale, Math.Abs(x[i] - y[i]));
        if (scale == 0) return 0;
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = (x[i] - y[i]) / scale;
            sum += d * d;
        }
        return scale * Math.Sqrt(sum);
    }

    /// <summary>max |a_ij| (NaN if any entry is NaN).</summary>
    public static double MaxAbs(ReadOnlySpan<double> a)
    {
        double max = 0;
        foreach (double v in a)
        {
            if (double.IsNaN(v)) return double.NaN;
            max = Math.Max(max, Math.Abs(v));
        }
        return max;
    }

    /// <summary>The n x n identity into <paramref name="result"/>.</summary>
    public static void Identity(int n, Span<double> result)
    {
        CheckLength("result", n * n, result.Length);
        result.Clear();
        for (int i = 0; i < n; i++) result[i * n + i] = 1;
    }

    /// <summary>A double[rows, cols] as a new flat row-major array.</summary>
    public static double[] Flatten(double[,] matrix)
    {
        int rows = matrix.GetLength(0), cols = matrix.GetLength(1);
        var flat = new double[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) flat[i * cols + j] = matrix[i, j];
        }
        return flat;
    }

    /// <summary>A flat row-major rows x cols span as a new double[rows, cols].</summary>
    public static double[,] ToArray(ReadOnlySpan<double> flat, int rows, int cols)
    {
        CheckLength("matrix", rows * cols, flat.Length);
        var matrix = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) matrix[i, j] = flat[i * cols + j];
        }
        return matrix;
    }

    private static void CheckLength(string what, int expected, int actual)
    {
        if (actual < expected)
            throw new ArgumentException($"DenseMatrix: expected {what} to hold at least {expected} entries, got {actual}.");
    }
}
