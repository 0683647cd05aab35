// Per-tick timing of a control loop run, kept exactly: one preallocated slot per tick for each duration (24 bytes a
// tick: 10 s at 1 kHz is 240 kB), so recording allocates nothing and the percentiles are exact order statistics, not
// histogram bins. The arrays are sized by the run's tick budget before the first tick; the summaries sort a copy
// after the run.
namespace Control.Deploy.Loop;

/// <summary>Per-tick durations of a run: the policy's time, the whole tick's work, and the start jitter.</summary>
public sealed class TickStatistics
{
    private readonly long[] policy, busy, jitter;

    /// <summary>Room for <paramref name="capacity"/> ticks.</summary>
    public TickStatistics(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        policy = new long[capacity];
        busy = new long[capacity];
        jitter = new long[capacity];
    }

    /// <summary>Ticks the statistics have room for.</summary>
    public int Capacity => policy.Length;

    /// <summary>Ticks recorded.</summary>
    public int Count { get; private set; }

    /// <summary>Each recorded tick's policy time (reset and act), nanoseconds.</summary>
    public ReadOnlySpan<long> PolicyNanoseconds => policy.AsSpan(0, Count);

    /// <summary>Each recorded tick's busy time (read, policy, filter, write), nanoseconds.</summary>
    public ReadOnlySpan<long> BusyNanoseconds => busy.AsSpan(0, Count);

    /// <summary>Each recorded tick's start jitter (actual start minus scheduled start), nanoseconds.</summary>
    public ReadOnlySpan<long> JitterNanoseconds => jitter.AsSpan(0, Count);

    /// <summary>Records one tick.</summary>
    /// <exception cref="InvalidOperationException">Every slot is used.</exception>
    public void Record(long policyNanoseconds, long busyNanoseconds, long jitterNanoseconds)
    {
        if (Count == policy.Length)
            throw new InvalidOperationException($"tick statistics: expected at most {policy.Length} ticks, got one more.");
        policy[Count] = policyNanoseconds;
        busy[Count] = busyNanoseconds;
        jitter[Count] = jitterNanoseconds;
        Count++;
    }

    /// <summary>Forgets every recorded tick.</summary>
    public void Clear() => Count = 0;

    /// <summary>Summary of the policy times.</summary>
    public TimingSummary PolicyTime() => Summarize(PolicyNanoseconds);

    /// <summary>Summary of the busy times.</summary>
    public TimingSummary BusyTime() => Summarize(BusyNanoseconds);

    /// <summary>Summary of the start jitters.</summary>
    public TimingSummary StartJitter() => Summarize(JitterNanoseconds);

    /// <summary>Nearest-rank p50, p99, max and mean of <paramref name="nanoseconds"/>, in microseconds (all zero when empty).</summary>
    public static TimingSummary Summarize(ReadOnlySpan<long> nanoseconds)
    {
        int n = nanoseconds.Length;
        if (n == 0) return default;
        long[] sorted = nanoseconds.ToArray();
        Array.Sort(sorted);
        double sum = 0;
        foreach (long v in sorted) sum += v;
        return new TimingSummary(n, Microseconds(NearestRank(sorted, 50)), Microseconds(NearestRank(sorted, 99)),
            Microseconds(sorted[^1]), sum / n / 1000.0);
    }

    // The smallest value with at least percent% of the values at or below it: rank ceil(percent/100 * n), from 1.
    // Integer arithmetic, so that e.g. 99% of 100 is rank 99 exactly.
    private static long NearestRank(long[] sorted, int percent)
    {
        long rank = ((long)percent * sorted.Length + 99) / 100;
        return sorted[Math.Max(rank, 1) - 1];
    }

    private static double Microseconds(long nanoseconds) => nanoseconds / 1000.0;
}
