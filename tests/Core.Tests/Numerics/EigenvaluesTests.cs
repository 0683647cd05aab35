// Eigenvalues of dense real matrices against known roots (a companion matrix) and the power sums
// trace(A^k) = sum lambda^k.
using System.Numerics;
using Control.Core.Numerics;
using static Control.Core.Tests.Numerics.NaiveMatrix;

namespace Control.Core.Tests.Numerics;

public class EigenvaluesTests
{
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
}
