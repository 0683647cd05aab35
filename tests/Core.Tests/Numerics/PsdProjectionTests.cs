// The PSD projection against its definition: the result is symmetric positive semidefinite, keeps the positive
// eigen-directions (A x = lambda x for an eigenvector with lambda > 0), annihilates the negative ones, and leaves
// positive definite matrices untouched.
using Control.Core.Numerics;

namespace Control.Core.Tests.Numerics;

public class PsdProjectionTests
{
    [Fact]
    public void ProjectionZeroesNegativeEigenvaluesAndKeepsThePositiveOnes()
    {
        var rng = new Rng(4);
        for (int n = 1; n <= 6; n++)
        {
            // A = Q diag(lambda) Q' with a random orthogonal Q (Gram-Schmidt) and eigenvalues of both signs.
            var q = new double[n * n];
            for (int i = 0; i < q.Length; i++) q[i] = rng.Normal();
            for (int c = 0; c < n; c++)
            {
                for (int p = 0; p < c; p++)
                {
                    double dot = 0;
                    for (int r = 0; r < n; r++) dot += q[r * n + c] * q[r * n + p];
                    for (int r = 0; r < n; r++) q[r * n + c] -= dot * q[r * n + p];
                }
                double norm = Math.Sqrt(Enumerable.Range(0, n).Sum(r => q[r * n + c] * q[r * n + c]));
                for (int r = 0; r < n; r++) q[r * n + c] /= norm;
            }
            double[] lambda = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? 1.0 + i : -0.5 - i).ToArray();
            var a = new double[n * n];
            var expected = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    for (int k = 0; k < n; k++)
                    {
                        a[i * n + j] += q[i * n + k] * lambda[k] * q[j * n + k];
                        expected[i * n + j] += q[i * n + k] * Math.Max(lambda[k], 0) * q[j * n + k];
                    }
                }
            }
            bool changed = new PsdProjection(n).Project(a);
            Assert.Equal(n > 1, changed);
            for (int i = 0; i < a.Length; i++) Assert.Equal(expected[i], a[i], 10);
        }
    }

    [Fact]
    public void PositiveDefiniteMatricesAreLeftAsTheyAre()
    {
        double[] a = [4, 1, 1, 3];
        Assert.False(new PsdProjection(2).Project(a));
        Assert.Equal([4, 1, 1, 3], a);
        Assert.Throws<ArgumentException>(() => new PsdProjection(2).Project(new double[3]));
    }
}
