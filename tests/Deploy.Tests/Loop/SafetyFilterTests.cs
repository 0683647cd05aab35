// The safety filter on its own: each rule changes what it should, counts it, and leaves the rest alone.
using Control.Core.Envs;
using Control.Deploy.Loop;

namespace Control.Deploy.Tests.Loop;

public class SafetyFilterTests
{
    private static readonly Box TwoD = new([-1.0, 0.0], [1.0, 2.0]);

    private static SafetyFilter Make(SafetyFilterConfig config, Space? space = null, double[]? safe = null, double tickSeconds = 0.01)
        => new(config, space ?? TwoD, safe ?? [0.0, 1.0], tickSeconds);

    [Fact]
    public void ClipsIntoTheBoundsAndCountsOnlyChangedActions()
    {
        SafetyFilter filter = Make(new SafetyFilterConfig());
        double[] a = [3.0, -1.0];
        filter.Apply(a);
        Assert.Equal([1.0, 0.0], a);
        double[] b = [0.5, 1.5];
        filter.Apply(b);
        Assert.Equal([0.5, 1.5], b);
        Assert.Equal(new SafetyFilterCounts(NonFinite: 0, Invalid: 0, Clipped: 1, RateLimited: 0), filter.Counts);
    }

    [Fact]
    public void WithoutClippingOutOfBoundsValuesPass()
    {
        SafetyFilter filter = Make(new SafetyFilterConfig { ClipToBounds = false });
        double[] a = [3.0, -1.0];
        filter.Apply(a);
        Assert.Equal([3.0, -1.0], a);
        Assert.Equal(0, filter.Counts.Clipped);
    }

    [Fact]
    public void RateLimitPerTickHoldsEachElementsChangeAndSparesTheFirstAction()
    {
        SafetyFilter filter = Make(new SafetyFilterConfig { MaxChangePerTick = [0.1, 0.5] });
        double[] a = [0.9, 2.0];
        filter.Apply(a); // no previous action: not limited
        Assert.Equal([0.9, 2.0], a);
        double[] b = [-0.9, 1.8];
        filter.Apply(b);
        Assert.Equal(0.8, b[0], 12);
        Assert.Equal(1.8, b[1]); // within 0.5 of 2.0
        double[] c = [0.85, 0.0];
        filter.Apply(c);
        Assert.Equal(0.85, c[0], 12); // within 0.1 of 0.8
        Assert.Equal(1.3, c[1], 12);
        Assert.Equal(2, filter.Counts.RateLimited);
        filter.Reset();
        double[] d = [-1.0, 0.0];
        filter.Apply(d); // forgotten: not limited
        Assert.Equal([-1.0, 0.0], d);
        Assert.Equal(0, filter.Counts.RateLimited);
    }

    [Fact]
    public void RateLimitPerSecondUsesTheTickLengthAndTheTighterLimitWins()
    {
        // 10 units/s at 0.01 s a tick is 0.1 a tick; per tick 0.05 for element 1 only is tighter there.
        SafetyFilter filter = Make(new SafetyFilterConfig { MaxChangePerSecond = [10.0], MaxChangePerTick = [1.0, 0.05] });
        Assert.Equal(0.1, filter.MaxChangePerTick[0], 12);
        Assert.Equal(0.05, filter.MaxChangePerTick[1], 12);
        double[] a = [0.0, 1.0];
        filter.Apply(a);
        double[] b = [1.0, 2.0];
        filter.Apply(b);
        Assert.Equal(0.1, b[0], 12);
        Assert.Equal(1.05, b[1], 12);
    }

    [Fact]
    public void ClipComesBeforeTheRateLimitSoTheResultStaysInBounds()
    {
        SafetyFilter filter = Make(new SafetyFilterConfig { MaxChangePerTick = [0.3] });
        double[] a = [0.9, 0.1];
        filter.Apply(a);
        double[] b = [5.0, -5.0];
        filter.Apply(b);
        Assert.Equal(1.0, b[0], 12); // clipped to 1, then within 0.3 of 0.9
        Assert.Equal(0.0, b[1], 12);
        Assert.True(TwoD.Contains(b));
        Assert.Equal(new SafetyFilterCounts(0, 0, Clipped: 1, RateLimited: 0), filter.Counts);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void ANonFiniteElementReplacesTheWholeActionByTheSafeAction(double bad)
    {
        SafetyFilter filter = Make(new SafetyFilterConfig(), safe: [0.25, 1.5]);
        double[] a = [0.5, bad];
        filter.Apply(a);
        Assert.Equal([0.25, 1.5], a);
        Assert.Equal(new SafetyFilterCounts(NonFinite: 1, 0, 0, 0), filter.Counts);
    }

    [Fact]
    public void DiscreteActionsAreCheckedForValidityOnly()
    {
        var space = new Discrete(3);
        SafetyFilter filter = Make(new SafetyFilterConfig { MaxChangePerTick = [0.1] }, space, safe: [1.0]);
        Assert.True(filter.MaxChangePerTick.IsEmpty); // rates mean nothing for command indices
        foreach ((double given, double written) in new[] { (2.0, 2.0), (0.0, 0.0), (2.5, 1.0), (3.0, 1.0), (-1.0, 1.0), (double.NaN, 1.0) })
        {
            double[] a = [given];
            filter.Apply(a);
            Assert.Equal(written, a[0]);
        }
        Assert.Equal(new SafetyFilterCounts(NonFinite: 1, Invalid: 3, Clipped: 0, RateLimited: 0), filter.Counts);
    }

    [Fact]
    public void ConfigurationsThatDoNotFitTheSpaceAreRefused()
    {
        var outside = Assert.Throws<ArgumentException>(() => Make(new SafetyFilterConfig(), safe: [0.0, 3.0]));
        Assert.Contains("inside Box", outside.Message);
        Assert.Throws<ArgumentException>(() => Make(new SafetyFilterConfig(), safe: [0.0]));
        Assert.Throws<ArgumentException>(() => Make(new SafetyFilterConfig(), new Discrete(2), safe: [2.0]));
        var length = Assert.Throws<ArgumentException>(() => Make(new SafetyFilterConfig { MaxChangePerTick = [0.1, 0.1, 0.1] }));
        Assert.Contains("length 1 or 2", length.Message);
        Assert.Throws<ArgumentException>(() => Make(new SafetyFilterConfig { MaxChangePerSecond = [0.0] }));
        Assert.Throws<ArgumentException>(() => Make(new SafetyFilterConfig { MaxChangePerTick = [double.NaN] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Make(new SafetyFilterConfig(), tickSeconds: 0));
        SafetyFilter filter = Make(new SafetyFilterConfig());
        Assert.Throws<ArgumentException>(() => filter.Apply(new double[3]));
    }
}
