// The Popov-Belevitch-Hautus test: a mode lambda of A is observable through C exactly when [A - lambda I; C]
// has full column rank. Stabilizability of (A, B) is this test on (A', B') for every mode with |lambda| >= 1,
// detectability of (A, Q) is this test on (A, Q) (Q = C'C has the null space of C). The rank is judged by the
// smallest singular value relative to the largest; a complex lambda is handled through the real 2n-column
// matrix [[X, -Y], [Y, X]] of X + iY, whose singular values are those of the complex matrix, each twice.
using Control.Core.Numerics;

namespace Control.Planning.Lqr;

internal static class PbhTest
{
    /// <summary>
    /// The first eigenvalue lambda of the n x n matrix <paramref name="a"/> with |lambda| &gt;= <paramref name="minimumModulus"/>
    /// for which [A - lambda I; C] (C: rows x n) has sigma_min &lt;= <paramref name="rankTolerance"/> sigma_max, or null if none.
    /// </summary>
    public static PbhMode? UnobservableMode(ReadOnlySpan<double> a, ReadOnlySpan<double> c, int n, int rows,
        double minimumModulus, double rankTolerance)
    {
        (double[] real, double[] imaginary) = Eigenvalues.Compute(a, n);
        int height = 2 * (n + rows), width = 2 * n;
        var matrix = new double[height * width];
        var workspace = new double[height * width];
        var values = new double[width];
        for (int e = 0; e < n; e++)
        {
            if (imaginary[e] < 0 || Eigenvalues.Modulus(real[e], imaginary[e]) < minimumModulus) continue;
            Realify(a, c, n, rows, real[e], imaginary[e], matrix);
            SingularValues.Compute(matrix, height, width, values, workspace);
            double largest = values.Max(), smallest = values.Min();
            if (smallest <= rankTolerance * largest) return new PbhMode(real[e], imaginary[e], largest == 0 ? 0 : smallest / largest);
        }
        return null;
    }

    // [[X, -Y], [Y, X]] for X + iY = [A - lambda I; C]: X = [A - re I; C], Y = [-im I; 0].
    private static void Realify(ReadOnlySpan<double> a, ReadOnlySpan<double> c, int n, int rows, double re, double im, Span<double> matrix)
    {
        int width = 2 * n, half = n + rows;
        matrix.Clear();
        for (int i = 0; i < half; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double x = i < n ? a[i * n + j] - (i == j ? re : 0) : c[(i - n) * n + j];
                double y = i < n && i == j ? -im : 0;
                matrix[i * width + j] = x;
                matrix[i * width + n + j] = -y;
                matrix[(half + i) * width + j] = y;
                matrix[(half + i) * width + n + j] = x;
            }
        }
    }
}
