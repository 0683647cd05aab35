// Spaces and running statistics.
using Control.Core.Envs;

namespace Control.Core.Tests.Envs;

public class SpaceTests
{
    [Fact]
    public void BoxContainsClipsSamplesAndDescribes()
    {
        var box = new Box([-1.0, 0.0], [1.0, double.PositiveInfinity]);
        Assert.Equal(2, box.FlatSize);
        Assert.True(box.Contains([0.5, 100.0]));
        Assert.False(box.Contains([1.5, 0.0]));
        Assert.False(box.Contains([double.NaN, 0.0]));
        Assert.False(box.Contains([0.0]));
        double[] v = [3.0, -2.0];
        box.Clip(v);
        Assert.Equal([1.0, 0.0], v);
        var rng = new Rng(0);
        var s = new double[2];
        for (int i = 0; i < 100; i++)
        {
            box.Sample(rng, s);
            Assert.True(box.Contains(s));
        }
        Assert.Equal("Box([-1, 0], [1, inf], (2,))", box.Describe());
        Assert.Equal("Box(-2, 2, (1,))", Box.Uniform(1, -2, 2).Describe());
        Assert.Equal(Box.Uniform(2, -1, 1), new Box([-1.0, -1.0], [1.0, 1.0]));
        Assert.NotEqual(Box.Uniform(2, -1, 1), Box.Uniform(2, -1, 2));
    }

    [Fact]
    public void BoxRejectsInconsistentBounds()
    {
        Assert.Contains("differ in length", Assert.Throws<ArgumentException>(() => new Box([0.0], [1.0, 2.0])).Message);
        Assert.Contains("low=2", Assert.Throws<ArgumentException>(() => new Box([2.0], [1.0])).Message);
        Assert.Contains("holds 4 elements", Assert.Throws<ArgumentException>(() => new Box([0.0, 0.0], [1.0, 1.0], [2, 2])).Message);
    }

    [Fact]
    public void DiscreteContainsOnlyItsIntegers()
    {
        var d = new Discrete(3);
        Assert.True(d.Contains([2.0]));
        Assert.False(d.Contains([3.0]));
        Assert.False(d.Contains([0.5]));
        Assert.False(d.Contains([-1.0]));
        Assert.Equal("Discrete(3)", d.Describe());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Discrete(0));
    }

    [Fact]
    public void RunningStatisticsMatchTwoPassOnesWhateverTheBatching()
    {
        var rng = new Rng(9);
        var data = new double[300 * 2];
        for (int i = 0; i < data.Length; i++) data[i] = rng.Normal(i % 2 == 0 ? 3.0 : -1.0, i % 2 == 0 ? 2.0 : 0.5);
        var single = new RunningMeanStd(2, initialCount: 0);
        for (int r = 0; r < 300; r++) single.Update(data.AsSpan(r * 2, 2));
        var batched = new RunningMeanStd(2, initialCount: 0);
        batched.UpdateBatch(data.AsSpan(0, 2 * 100));
        batched.UpdateBatch(data.AsSpan(2 * 100));
        for (int k = 0; k < 2; k++)
        {
            double mean = Enumerable.Range(0, 300).Average(r => data[r * 2 + k]);
            double variance = Enumerable.Range(0, 300).Average(r => Math.Pow(data[r * 2 + k] - mean, 2));
            Assert.Equal(mean, single.Mean[k], 10);
            Assert.Equal(variance, single.Variance[k], 10);
            Assert.Equal(mean, batched.Mean[k], 10);
            Assert.Equal(variance, batched.Variance[k], 10);
        }
    }
}
