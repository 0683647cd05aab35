// Singular values against the square roots of the eigenvalues of A'A, and a rank-deficient matrix.
using Control.Core.Numerics;
using static Control.Core.Tests.Numerics.NaiveMatrix;

namespace Control.Core.Tests.Numerics;

public class SingularValuesTests
{
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
