// The machine's monotonic clock (Stopwatch: CLOCK_MONOTONIC on Linux, nanosecond resolution there). Waiting to a
// deadline sleeps while much time is left and spins for the last stretch: Thread.Sleep wakes up late by tens to
// hundreds of microseconds (the scheduler's granularity), which alone would make a 1 kHz loop (1 ms period) miss
// its ticks; spinning the final SpinThreshold keeps the wake-up within a few microseconds at the cost of a busy core
// during that stretch. A robot controller usually owns a core, so that is the right trade.
using System.Diagnostics;

namespace Control.Deploy.Loop;

/// <summary>The machine's monotonic clock, waiting by a coarse sleep followed by a spin.</summary>
public sealed class SystemClock : IClock
{
    /// <summary>Default <see cref="SpinThreshold"/>: 200 microseconds, above Linux's usual oversleep of Thread.Sleep.</summary>
    public static readonly TimeSpan DefaultSpinThreshold = TimeSpan.FromMicroseconds(200);

    private const long NanosecondsPerMillisecond = 1_000_000;
    private readonly long origin = Stopwatch.GetTimestamp();
    private readonly long spinThresholdNanoseconds;

    /// <summary>
    /// A clock whose origin is now. <paramref name="spinThreshold"/> (default <see cref="DefaultSpinThreshold"/>) is
    /// how long before a deadline waiting stops sleeping and starts spinning; zero sleeps all the way (no busy core,
    /// late wake-ups), a whole period spins all the way.
    /// </summary>
    public SystemClock(TimeSpan? spinThreshold = null)
    {
        TimeSpan threshold = spinThreshold ?? DefaultSpinThreshold;
        if (threshold < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(spinThreshold), threshold, "system clock: expected a spin threshold of zero or more.");
        SpinThreshold = threshold;
        spinThresholdNanoseconds = threshold.Ticks * (1_000_000_000 / TimeSpan.TicksPerSecond);
    }

    /// <summary>How long before a deadline <see cref="WaitUntil"/> stops sleeping and spins.</summary>
    public TimeSpan SpinThreshold { get; }

    /// <inheritdoc />
    public long NowNanoseconds => ToNanoseconds(Stopwatch.GetTimestamp() - origin);

    /// <inheritdoc />
    public void WaitUntil(long deadlineNanoseconds)
    {
        // Sleep in whole milliseconds (Thread.Sleep's unit) while more than the spin threshold remains beyond them.
        long remaining;
        while ((remaining = deadlineNanoseconds - NowNanoseconds - spinThresholdNanoseconds) >= NanosecondsPerMillisecond)
            Thread.Sleep((int)Math.Min(remaining / NanosecondsPerMillisecond, int.MaxValue));
        while (NowNanoseconds < deadlineNanoseconds) Thread.SpinWait(20);
    }

    // Stopwatch ticks to nanoseconds without overflow (whole seconds and the remainder apart).
    private static long ToNanoseconds(long timestamp)
    {
        long frequency = Stopwatch.Frequency;
        return timestamp / frequency * 1_000_000_000 + timestamp % frequency * 1_000_000_000 / frequency;
    }
}
