// Exact nearest-rank percentiles of per-tick durations, by hand on known values.
using Control.Deploy.Loop;

namespace Control.Deploy.Tests.Loop;

public class TickStatisticsTests
{
    [Fact]
    public void PercentilesAreNearestRankOverEveryTick()
    {
        // 1..100 microseconds, shuffled: rank ceil(0.5 * 100) = 50 and ceil(0.99 * 100) = 99.
        long[] values = Enumerable.Range(1, 100).Select(i => i * 1000L).OrderBy(v => (v * 7919) % 101).ToArray();
        TimingSummary s = TickStatistics.Summarize(values);
        Assert.Equal(new TimingSummary(100, 50.0, 99.0, 100.0, 50.5), s);
    }

    [Fact]
    public void SmallAndEmptyRunsHaveWellDefinedSummaries()
    {
        // Ten values: p50 is rank 5, p99 rank ceil(9.9) = 10 (the max).
        long[] ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
        TimingSummary s = TickStatistics.Summarize(ten);
        Assert.Equal(0.005, s.P50Microseconds);
        Assert.Equal(0.010, s.P99Microseconds);
        Assert.Equal(0.010, s.MaxMicroseconds);
        Assert.Equal(new TimingSummary(1, 1.5, 1.5, 1.5, 1.5), TickStatistics.Summarize([1500L]));
        Assert.Equal(default, TickStatistics.Summarize([]));
    }

    [Fact]
    public void RecordsEachSeriesApartAndRefusesMoreTicksThanItsCapacity()
    {
        var stats = new TickStatistics(3);
        stats.Record(1000, 2000, 0);
        stats.Record(3000, 4000, 500);
        Assert.Equal(2, stats.Count);
        Assert.Equal([1000L, 3000L], stats.PolicyNanoseconds.ToArray());
        Assert.Equal([2000L, 4000L], stats.BusyNanoseconds.ToArray());
        Assert.Equal([0L, 500L], stats.JitterNanoseconds.ToArray());
        Assert.Equal(3.0, stats.PolicyTime().MaxMicroseconds);
        Assert.Equal(3.0, stats.BusyTime().MeanMicroseconds);
        Assert.Equal(0.5, stats.StartJitter().P99Microseconds);
        stats.Record(0, 0, 0);
        Assert.Throws<InvalidOperationException>(() => stats.Record(0, 0, 0));
        stats.Clear();
        Assert.Equal(0, stats.Count);
    }
}
