// The one Cholesky factorization and solve: solves by their residual, a failed factorization on an indefinite
// matrix, the in-place factorization equal to the out-of-place one, the multi-column solve equal to solving column
// by column, and the negated solve equal to the negated solution.
using Control.Core.Numerics;
using static Control.Core.Tests.Numerics.NaiveMatrix;

namespace Control.Core.Tests.Numerics;

public class CholeskyTests
{
    [Fact]
    public void FactorAndSolveSolveTheSystem()
    {
        var rng = new Rng(2);
        double[,] g = Normal(rng, 5, 5);
        double[,] spd = Add(Multiply(g, Transpose(g)), Identity(5));
        double[,] rhs = Normal(rng, 5, 2);

        double[] l = DenseMatrix.Flatten(spd), x = DenseMatrix.Flatten(rhs);
        Assert.True(Cholesky.Factor(l, 5, l));
        Cholesky.Solve(l, 5, x, 2);
        Assert.True(RelativeError(Multiply(spd, DenseMatrix.ToArray(x, 5, 2)), rhs) < 1e-13);

        Assert.False(Cholesky.Factor(DenseMatrix.Flatten(Diagonal(1, -1, 1)), 3, new double[9]));
        Assert.False(Cholesky.Factor(DenseMatrix.Flatten(Diagonal(1, double.PositiveInfinity)), 2, new double[4]));
    }

    [Fact]
    public void InPlaceFactorColumnsAndNegationGiveTheSameBits()
    {
        var rng = new Rng(5);
        double[,] g = Normal(rng, 4, 4);
        double[] a = DenseMatrix.Flatten(Add(Multiply(g, Transpose(g)), Scale(Identity(4), 0.1)));
        double[] b = DenseMatrix.Flatten(Normal(rng, 4, 3));

        var factor = new double[16];
        Assert.True(Cholesky.Factor(a, 4, factor));
        double[] inPlace = (double[])a.Clone();
        Assert.True(Cholesky.Factor(inPlace, 4, inPlace));
        Assert.Equal(factor, inPlace);

        // Three columns at once against each column alone.
        double[] together = (double[])b.Clone();
        Cholesky.Solve(factor, 4, together, 3);
        for (int c = 0; c < 3; c++)
        {
            double[] column = Enumerable.Range(0, 4).Select(i => b[i * 3 + c]).ToArray();
            Cholesky.Solve(factor, 4, column);
            for (int i = 0; i < 4; i++) Assert.Equal(column[i], together[i * 3 + c]);
        }

        // -(L L')^-1 B, into another buffer and in place.
        var negated = new double[12];
        Cholesky.SolveNegated(factor, 4, b, negated, 3);
        for (int i = 0; i < 12; i++) Assert.Equal(-together[i], negated[i]);
        double[] self = (double[])b.Clone();
        Cholesky.SolveNegated(factor, 4, self, self, 3);
        Assert.Equal(negated, self);
    }
}
