namespace Control.Core.Numerics;

/// <summary>Cholesky factorization and solves of small dense symmetric positive definite matrices.</summary>
public static class Cholesky
{
    /// <summary>
    /// Writes the lower factor L with A = L L' (row-major, upper part zeroed) of the k x k matrix
    /// <paramref name="a"/>; false when A is not positive definite (or not finite).
    /// </summary>
    public static bool Factor(ReadOnlySpan<double> a, int k, Span<double> l)
    {
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
    public static void Solve(ReadOnlySpan<double> l, int k, Span<double> b)
    {
        for (int i = 0; i < k; i++)
        {
            double sum = b[i];
            for (int p = 0; p < i; p++) sum -= l[i * k + p] * b[p];
            b[i] = sum / l[i * k + i];
        }
        for (int i = k - 1; i >= 0; i--)
        {
            double sum = b[i];
            for (int p = i + 1; p < k; p++) sum -= l[p * k + i] * b[p];
            b[i] = sum / l[i * k + i];
        }
    }
}
