// The one Cholesky factorization and solve of the code base: LQR's Riccati steps, iLQR's gains and box QP, the
// semidefiniteness checks and the PSD projection all go through it. Matrices are flat row-major k x k spans.
namespace Control.Core.Numerics;

/// <summary>Cholesky factorization and solves of small dense symmetric positive definite matrices.</summary>
public static class Cholesky
{
    /// <summary>
    /// Writes the lower factor L with A = L L' (row-major, upper part zeroed) of the k x k matrix
    /// <paramref name="a"/>; false when A is not positive definite (or not finite). Only the lower triangle of A is
    /// read, and <paramref name="l"/> may be <paramref name="a"/> itself (in place; A is then partly overwritten
    /// when the factorization fails).
    /// </summary>
    public static bool Factor(ReadOnlySpan<double> a, int k, Span<double> l)
    {
        CheckLength("A", k * k, a.Length);
        CheckLength("L", k * k, l.Length);
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * k + j];
                for (int p = 0; p < j; p++) sum -= l[i * k + p] * l[j * k + p];
                if (i == j)
                {
                    if (!(sum > 0) || !double.IsFinite(sum)) return false;
                    l[i * k + i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i * k + j] = sum / l[j * k + j];
                }
            }
            for (int j = i + 1; j < k; j++) l[i * k + j] = 0;
        }
        return true;
    }

    /// <summary>Solves (L L') x = b in place given the factor from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> l, int k, Span<double> b) => Solve(l, k, b, columns: 1);

    /// <summary>
    /// Solves (L L') X = B in place for the k x <paramref name="columns"/> right-hand side <paramref name="b"/>
    /// (row-major), column by column, given the factor from <see cref="Factor"/>.
    /// </summary>
    public static void Solve(ReadOnlySpan<double> l, int k, Span<double> b, int columns)
    {
        CheckLength("L", k * k, l.Length);
        CheckLength("B", k * columns, b.Length);
        for (int c = 0; c < columns; c++)
        {
            for (int i = 0; i < k; i++)
            {
                double sum = b[i * columns + c];
                for (int p = 0; p < i; p++) sum -= l[i * k + p] * b[p * columns + c];
                b[i * columns + c] = sum / l[i * k + i];
            }
            for (int i = k - 1; i >= 0; i--)
            {
                double sum = b[i * columns + c];
                for (int p = i + 1; p < k; p++) sum -= l[p * k + i] * b[p * columns + c];
                b[i * columns + c] = sum / l[i * k + i];
            }
        }
    }

    /// <summary>
    /// X = -(L L')^-1 B for the k x <paramref name="columns"/> matrix <paramref name="b"/>, into <paramref name="x"/>
    /// (which may be <paramref name="b"/>): the Newton step and feedback gain of a quadratic model, k = -Q_uu^-1 Q_u
    /// and K = -Q_uu^-1 Q_ux. B is negated before the solve; since rounding is symmetric in sign, that gives the
    /// same numbers as negating after it (up to the sign of an exact zero).
    /// </summary>
    public static void SolveNegated(ReadOnlySpan<double> l, int k, ReadOnlySpan<double> b, Span<double> x, int columns = 1)
    {
        CheckLength("B", k * columns, b.Length);
        CheckLength("X", k * columns, x.Length);
        for (int i = 0; i < k * columns; i++) x[i] = -b[i];
        Solve(l, k, x, columns);
    }

    private static void CheckLength(string what, int expected, int actual)
    {
        if (actual < expected)
            throw new ArgumentException($"Cholesky: expected {what} to hold at least {expected} entries, got {actual}.");
    }
}
