// The general kernels of DenseMatrix: GEMM in every transpose against naive products, the LU solve by its residual,
// and the overflow-safe Frobenius distance against its definition.
using Control.Core.Numerics;
using static Control.Core.Tests.Numerics.NaiveMatrix;

namespace Control.Core.Tests.Numerics;

public class DenseMatrixTests
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
    public void LuSolvesItsSystemWithPivoting()
    {
        var rng = new Rng(2);
        double[,] g = Normal(rng, 5, 5);
        double[,] rhs = Normal(rng, 5, 2);

        // A zero leading entry needs pivoting.
        g[0, 0] = 0;
        double[] lu = DenseMatrix.Flatten(g), y = DenseMatrix.Flatten(rhs);
        var pivots = new int[5];
        Assert.True(DenseMatrix.LuFactor(lu, 5, pivots));
        DenseMatrix.LuSolve(lu, 5, pivots, y, 2);
        Assert.True(RelativeError(Multiply(g, DenseMatrix.ToArray(y, 5, 2)), rhs) < 1e-12);
        Assert.False(DenseMatrix.LuFactor(new double[4], 2, new int[2]));
    }

    [Fact]
    public void FrobeniusDistanceIsTheNormOfTheDifferenceWithoutOverflow()
    {
        var rng = new Rng(3);
        double[] x = DenseMatrix.Flatten(Normal(rng, 3, 4)), y = DenseMatrix.Flatten(Normal(rng, 3, 4));
        double naive = Math.Sqrt(x.Zip(y, (p, q) => (p - q) * (p - q)).Sum());
        Assert.Equal(naive, DenseMatrix.FrobeniusDistance(x, y), 1e-14 * naive);
        Assert.Equal(0, DenseMatrix.FrobeniusDistance(x, x));

        // Squares of these differences overflow; the scaled sum does not.
        double[] big = [3e200, 0], zero = [0, 4e200];
        Assert.Equal(5e200, DenseMatrix.FrobeniusDistance(big, zero), 1e186);
    }
}
