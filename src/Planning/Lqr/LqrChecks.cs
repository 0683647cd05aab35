using Control.Core.Numerics;

namespace Control.Planning.Lqr;

/// <summary>Checks of LQR inputs; each throws <see cref="LqrInputException"/> with a message naming solver, matrix and problem.</summary>
internal static class LqrChecks
{
    /// <summary>Relative tolerance of the symmetry check: |M_ij - M_ji| &lt;= tol * max|M|.</summary>
    public const double SymmetryTolerance = 1e-10;

    /// <summary>Relative tolerance of the semidefiniteness check: M + tol * max|M| * I must be positive definite.</summary>
    public const double SemidefiniteTolerance = 1e-12;

    public static void Shape(string solver, string matrix, double[,] value, int rows, int cols, string why)
    {
        ArgumentNullException.ThrowIfNull(value, matrix);
        if (value.GetLength(0) != rows || value.GetLength(1) != cols)
        {
            throw new LqrInputException(matrix,
                $"{solver}: {matrix} is {value.GetLength(0)} x {value.GetLength(1)}; expected {rows} x {cols} ({why}).");
        }
    }

    // Names are built only when throwing, so that checks of valid input allocate nothing: "Q" or "Q_3".
    private static string Name(string matrix, int step) => step < 0 ? matrix : $"{matrix}_{step}";

    public static void Finite(string solver, string matrix, ReadOnlySpan<double> value, int cols, int step = -1)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (!double.IsFinite(value[i]))
            {
                matrix = Name(matrix, step);
                throw new LqrInputException(matrix, $"{solver}: {matrix}[{i / cols}, {i % cols}] is {value[i]}; expected finite entries.");
            }
        }
    }

    public static void Symmetric(string solver, string matrix, ReadOnlySpan<double> value, int n, int step = -1)
    {
        double tolerance = SymmetryTolerance * DenseMatrix.MaxAbs(value[..(n * n)]);
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (Math.Abs(value[i * n + j] - value[j * n + i]) > tolerance)
                {
                    matrix = Name(matrix, step);
                    throw new LqrInputException(matrix,
                        $"{solver}: {matrix} is not symmetric: {matrix}[{i}, {j}] = {value[i * n + j]} but {matrix}[{j}, {i}] = {value[j * n + i]}; expected a symmetric weight.");
                }
            }
        }
    }

    /// <summary>Throws unless the symmetric n x n matrix is positive semidefinite; <paramref name="scratch"/> holds n * n entries.</summary>
    public static void PositiveSemidefinite(string solver, string matrix, ReadOnlySpan<double> value, int n, Span<double> scratch,
        int step = -1, string? what = null)
    {
        Span<double> copy = scratch[..(n * n)];
        value[..(n * n)].CopyTo(copy);
        DenseMatrix.AddToDiagonal(copy, n, SemidefiniteTolerance * DenseMatrix.MaxAbs(copy) + double.Epsilon);
        if (!Cholesky.Factor(copy, n, copy))
        {
            matrix = Name(matrix, step);
            throw new LqrInputException(matrix,
                $"{solver}: {what ?? matrix} is not positive semidefinite (smallest eigenvalue {SmallestEigenvalue(value[..(n * n)], n):G6}); expected a symmetric positive semidefinite weight.");
        }
    }

    /// <summary>Throws unless the symmetric n x n matrix is positive definite; <paramref name="scratch"/> holds n * n entries.</summary>
    public static void PositiveDefinite(string solver, string matrix, ReadOnlySpan<double> value, int n, Span<double> scratch, int step = -1)
    {
        Span<double> copy = scratch[..(n * n)];
        value[..(n * n)].CopyTo(copy);
        if (!Cholesky.Factor(copy, n, copy))
        {
            matrix = Name(matrix, step);
            throw new LqrInputException(matrix,
                $"{solver}: {matrix} is not positive definite (smallest eigenvalue {SmallestEigenvalue(value[..(n * n)], n):G6}); expected a symmetric positive definite weight.");
        }
    }

    private static double SmallestEigenvalue(ReadOnlySpan<double> symmetric, int n)
    {
        (double[] real, _) = Eigenvalues.Compute(symmetric, n);
        return real.Min();
    }
}
