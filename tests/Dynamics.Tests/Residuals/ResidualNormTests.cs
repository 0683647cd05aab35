using Control.Dynamics.Residuals;

namespace Control.Dynamics.Tests.Residuals;

public class ResidualNormTests
{
    public static TheoryData<string> Norms => ["quadratic", "smooth-l2", "smooth-abs"];

    private static ResidualNorm Make(string name) => name switch
    {
        "quadratic" => ResidualNorm.Quadratic,
        "smooth-l2" => ResidualNorm.SmoothL2(0.3),
        _ => ResidualNorm.SmoothAbs(0.2),
    };

    [Theory]
    [MemberData(nameof(Norms))]
    public void GradientAndHessianMatchCentralDifferencesAndTheHessianIsPositiveSemidefinite(string name)
    {
        ResidualNorm norm = Make(name);
        var random = new Random(3);
        for (int trial = 0; trial < 20; trial++)
        {
            double[] r = [.. Enumerable.Range(0, 4).Select(_ => 3 * (random.NextDouble() - 0.5))];
            var g = new double[4];
            var h = new double[16];
            norm.Gradient(r, g);
            norm.Hessian(r, h);
            const double step = 1e-5;
            for (int j = 0; j < 4; j++)
            {
                double[] plus = (double[])r.Clone(), minus = (double[])r.Clone();
                plus[j] += step;
                minus[j] -= step;
                Assert.Equal((norm.Value(plus) - norm.Value(minus)) / (2 * step), g[j], 8);
                var gPlus = new double[4];
                var gMinus = new double[4];
                norm.Gradient(plus, gPlus);
                norm.Gradient(minus, gMinus);
                for (int i = 0; i < 4; i++) Assert.Equal((gPlus[i] - gMinus[i]) / (2 * step), h[i * 4 + j], 7);
            }
            for (int probe = 0; probe < 10; probe++)
            {
                double[] v = [.. Enumerable.Range(0, 4).Select(_ => random.NextDouble() - 0.5)];
                double form = 0;
                for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) form += v[i] * h[i * 4 + j] * v[j];
                Assert.True(form >= -1e-14, $"{name}: v'Hv = {form}");
            }
        }
    }

    [Fact]
    public void ValuesAreTheirFormulas()
    {
        double[] r = [0.3, -1.2];
        Assert.Equal(0.5 * (0.09 + 1.44), ResidualNorm.Quadratic.Value(r), 14);
        Assert.Equal(Math.Sqrt(0.09 + 1.44 + 0.25) - 0.5, ResidualNorm.SmoothL2(0.5).Value(r), 14);
        Assert.Equal(Math.Sqrt(0.09 + 0.01) + Math.Sqrt(1.44 + 0.01) - 0.2, ResidualNorm.SmoothAbs(0.1).Value(r), 14);
        Assert.Equal(0, ResidualNorm.SmoothL2(0.5).Value([0, 0]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void SmoothingMustBePositive(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ResidualNorm.SmoothL2(p));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResidualNorm.SmoothAbs(p));
    }
}
