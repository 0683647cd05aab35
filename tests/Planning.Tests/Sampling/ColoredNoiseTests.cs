// Colored noise along time: unit variance at every step, white at beta = 0 (no correlation between neighbouring
// steps), strongly correlated at beta = 2, independent channels, and the same sequences for the same seed.
using Control.Core;
using Control.Planning.Sampling;

namespace Control.Planning.Tests.Sampling;

public class ColoredNoiseTests
{
    private const int Length = 30;
    private const int Draws = 4000;

    // Draws sequences of one channel and returns them, Draws x Length.
    private static double[][] Sequences(double exponent, long seed, int length = Length)
    {
        var noise = new ColoredNoise(length, exponent);
        var random = new Rng(seed);
        return Enumerable.Range(0, Draws).Select(_ =>
        {
            var sequence = new double[length];
            noise.Fill(random, sequence, 1);
            return sequence;
        }).ToArray();
    }

    // Mean over draws of x_t x_(t + lag), averaged over t.
    private static double Covariance(double[][] sequences, int lag)
        => sequences.Average(x => Enumerable.Range(0, x.Length - lag).Average(t => x[t] * x[t + lag]));

    [Theory]
    [InlineData(0.0, Length)]
    [InlineData(1.0, Length)]
    [InlineData(2.0, Length)]
    [InlineData(2.0, 7)]
    [InlineData(2.5, 1)]
    public void EveryStepHasUnitVariance(double exponent, int length)
    {
        double[][] sequences = Sequences(exponent, seed: 1, length);
        for (int t = 0; t < length; t++)
        {
            double mean = sequences.Average(x => x[t]);
            double variance = sequences.Average(x => x[t] * x[t]);
            Assert.InRange(mean, -0.1, 0.1);
            Assert.InRange(variance, 0.9, 1.1);
        }
    }

    [Fact]
    public void BetaZeroIsWhiteAndBetaTwoIsStronglyCorrelated()
    {
        double white = Covariance(Sequences(0, seed: 2), lag: 1);
        double pink = Covariance(Sequences(1, seed: 2), lag: 1);
        double red = Covariance(Sequences(2, seed: 2), lag: 1);
        Assert.InRange(white, -0.03, 0.03);
        Assert.InRange(red, 0.8, 1.0);
        Assert.InRange(pink, white + 0.1, red - 0.1);
    }

    [Fact]
    public void ChannelsAreIndependentSequences()
    {
        var noise = new ColoredNoise(Length, 2);
        var random = new Rng(3);
        double cross = 0, lagged = 0;
        var sequence = new double[Length * 2];
        for (int d = 0; d < Draws; d++)
        {
            noise.Fill(random, sequence, 2);
            for (int t = 0; t < Length - 1; t++)
            {
                cross += sequence[2 * t] * sequence[2 * t + 1];
                lagged += sequence[2 * t] * sequence[2 * (t + 1)];
            }
        }
        Assert.InRange(cross / (Draws * (Length - 1)), -0.1, 0.1);
        Assert.InRange(lagged / (Draws * (Length - 1)), 0.8, 1.0);
    }

    [Fact]
    public void SameSeedGivesTheSameSequences()
    {
        Assert.Equal(Sequences(2, seed: 5), Sequences(2, seed: 5));
        Assert.NotEqual(Sequences(2, seed: 5), Sequences(2, seed: 6));
    }

    [Fact]
    public void BadSettingsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ColoredNoise(0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ColoredNoise(10, -0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ColoredNoise(10, double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => new ColoredNoise(10, 2).Fill(new Rng(0), new double[15], 2));
    }
}
