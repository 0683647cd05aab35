// The small dense kernels under LQR: GEMM in every transpose against naive products, Cholesky and LU solves by
// their residuals, eigenvalues against known roots and the power sums trace(A^k) = sum lambda^k, singular
// values against the eigenvalues of A'A.
using System.Numerics;
using Control.Core;
using Control.Core.Numerics;
using static Control.Planning.Tests.Lqr.LqrTestData;

namespace Control.Planning.Tests;

public class LqrDenseTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void GemmMatchesTheNaiveProduct(bool transposeA, bool transposeB)
    {
        var rng = new Rng(1);
        double[,] a = Normal(rng, 4, 3), b = Normal(rng, 3, 5), c0 = Normal(rng, 4, 5);
        double[] aStored = DenseMatrix.Flatten(transposeA ? Transpose(a) : a);
        double[] bStored = DenseMatrix.Flatten(transposeB ? Transpose(b) : b);
        double[] c = DenseMatrix.Flatten(c0);
        DenseMatrix.Gemm(transposeA, transposeB, 4, 3, 5, 2, aStored, bStored, -1, c);
        double[,] expected = Add(Scale(Multiply(a, b), 2), Scale(c0, -1));
        Assert.True(RelativeError(DenseMatrix.ToArray(c, 4, 5), expected) < 1e-14);
    }

    [Fact]
    public void CholeskyAndLuSolveTheirSystems()
    {
        var rng = new Rng(2);
        double[,] g = Normal(rng, 5, 5);
        double[,] spd = Add(Multiply(g, Transpose(g)), Identity(5));
        double[,] rhs = Normal(rng, 5, 2);

        double[] l = DenseMatrix.Flatten(spd), x = DenseMatrix.Flatten(rhs);
        Assert.Equal(-1, DenseMatrix.CholeskyFactor(l, 5));
        DenseMatrix.CholeskySolve(l, 5, x, 2);
        Assert.True(RelativeError(Multiply(spd, DenseMatrix.ToArray(x, 5, 2)), rhs) < 1e-13);

        // A zero leading entry needs pivoting.
        g[0, 0] = 0;
        double[] lu = DenseMatrix.Flatten(g), y = DenseMatrix.Flatten(rhs);
        var pivots = new int[5];
        Assert.True(DenseMatrix.LuFactor(lu, 5, pivots));
        DenseMatrix.LuSolve(lu, 5, pivots, y, 2);
        Assert.True(RelativeError(Multiply(g, DenseMatrix.ToArray(y, 5, 2)), rhs) < 1e-12);

        Assert.Equal(1, DenseMatrix.CholeskyFactor(DenseMatrix.Flatten(Diagonal(1, -1, 1)), 3));
        Assert.False(DenseMatrix.LuFactor(new double[4], 2, new int[2]));
    }

    [Fact]
    public void EigenvaluesOfACompanionMatrixAreItsPolynomialsRoots()
    {
        Complex[] roots = [2, -1, 0.5, new(1, 2), new(1, -2), new(0, 3), new(0, -3)];
        // Coefficients of prod (z - root), highest first.
        Complex[] coefficients = [1];
        foreach (Complex root in roots)
        {
            var next = new Complex[coefficients.Length + 1];
            for (int i = 0; i < coefficients.Length; i++)
            {
                next[i] += coefficients[i];
                next[i + 1] -= root * coefficients[i];
            }
            coefficients = next;
        }
        int n = roots.Length;
        var companion = new double[n * n];
        for (int j = 0; j < n; j++) companion[j] = -coefficients[j + 1].Real;
        for (int i = 1; i < n; i++) companion[i * n + i - 1] = 1;

        (double[] real, double[] imaginary) = Eigenvalues.Compute(companion, n);
        foreach (Complex root in roots)
        {
            double nearest = Enumerable.Range(0, n).Min(i => Complex.Abs(new Complex(real[i], imaginary[i]) - root));
            Assert.True(nearest < 1e-9, $"root {root} found only within {nearest}");
        }
    }

    [Theory]
    [InlineData(3, 31)]
    [InlineData(6, 32)]
    [InlineData(8, 33)]
    public void EigenvaluePowerSumsAreTracesOfPowers(int n, int seed)
    {
        double[,] a = Normal(new Rng(seed), n, n);
        (double[] real, double[] imaginary) = Eigenvalues.Compute(DenseMatrix.Flatten(a), n);
        double[,] power = Identity(n);
        for (int k = 1; k <= n; k++)
        {
            power = Multiply(power, a);
            double trace = Enumerable.Range(0, n).Sum(i => power[i, i]);
            Complex sum = Enumerable.Range(0, n).Aggregate(Complex.Zero, (s, i) => s + Complex.Pow(new Complex(real[i], imaginary[i]), k));
            double scale = Math.Pow(Norm(a), k);
            Assert.True(Math.Abs(sum.Real - trace) < 1e-11 * scale && Math.Abs(sum.Imaginary) < 1e-11 * scale, $"k={k}: {sum} vs trace {trace}");
        }
    }

    [Fact]
    public void SingularValuesSquaredAreTheEigenvaluesOfTheGramMatrix()
    {
        double[,] a = Normal(new Rng(4), 7, 4);
        var values = new double[4];
        SingularValues.Compute(DenseMatrix.Flatten(a), 7, 4, values, new double[28]);
        (double[] gram, _) = Eigenvalues.Compute(DenseMatrix.Flatten(Multiply(Transpose(a), a)), 4);
        double[] expected = gram.Select(Math.Sqrt).Order().ToArray();
        double[] actual = values.Order().ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 1e-12);

        // A rank-deficient matrix: the third column is the sum of the first two.
        for (int i = 0; i < 7; i++) a[i, 2] = a[i, 0] + a[i, 1];
        SingularValues.Compute(DenseMatrix.Flatten(a), 7, 4, values, new double[28]);
        Assert.True(values.Min() < 1e-14 * values.Max());
    }
}
