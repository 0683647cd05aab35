// The machine's monotonic clock (Stopwatch: CLOCK_MONOTONIC on Linux, nanosecond resolution there). Waiting to a
// deadline sleeps for the coarse part and spins for the last SpinThreshold: a sleeping thread wakes up late by tens
// to hundreds of microseconds (the kernel's timer slack, 50 us by default on Linux, plus scheduling), which alone
// would make a 1 kHz loop (1 ms period) miss its ticks; spinning the final stretch keeps the wake-up within a few
// microseconds at the cost of a busy core during it. A robot controller usually owns a core, so that is the right trade.
// The coarse sleep must be finer than a period: Thread.Sleep counts whole milliseconds, so on 64-bit Linux the clock
// sleeps with libc's nanosleep (POSIX.1-2008), and elsewhere falls back to Thread.Sleep for whole milliseconds only
// (a 1 kHz loop there spins through most of each period).
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Control.Deploy.Loop;

/// <summary>The machine's monotonic clock, waiting by a coarse sleep followed by a spin.</summary>
public sealed partial class SystemClock : IClock
{
    /// <summary>Default <see cref="SpinThreshold"/>: 200 microseconds, above the usual oversleep of a sleeping thread on Linux (50 us timer slack plus the wake-up).</summary>
    public static readonly TimeSpan DefaultSpinThreshold = TimeSpan.FromMicroseconds(200);

    private const long NanosecondsPerMillisecond = 1_000_000;
    private const long NanosecondsPerSecond = 1_000_000_000;
    private static readonly bool HasNanosleep = OperatingSystem.IsLinux() && Environment.Is64BitProcess;
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
        spinThresholdNanoseconds = threshold.Ticks * (NanosecondsPerSecond / TimeSpan.TicksPerSecond);
    }

    /// <summary>How long before a deadline <see cref="WaitUntil"/> stops sleeping and spins.</summary>
    public TimeSpan SpinThreshold { get; }

    /// <inheritdoc />
    public long NowNanoseconds => ToNanoseconds(Stopwatch.GetTimestamp() - origin);

    /// <inheritdoc />
    public void WaitUntil(long deadlineNanoseconds)
    {
        // Sleep until the spin threshold before the deadline (again if woken early by a signal), then spin.
        long coarse;
        while ((coarse = deadlineNanoseconds - NowNanoseconds - spinThresholdNanoseconds) > 0)
        {
            if (HasNanosleep)
            {
                var request = new Timespec { Seconds = coarse / NanosecondsPerSecond, Nanoseconds = coarse % NanosecondsPerSecond };
                Nanosleep(in request, IntPtr.Zero);
            }
            else if (coarse >= NanosecondsPerMillisecond)
            {
                Thread.Sleep((int)Math.Min(coarse / NanosecondsPerMillisecond, int.MaxValue));
            }
            else
            {
                break;
            }
        }
        while (NowNanoseconds < deadlineNanoseconds) Thread.SpinWait(20);
    }

    // struct timespec of 64-bit Linux: time_t and long are both 64 bits.
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // Returns 0, or -1 when a signal interrupted the sleep (the caller's loop sleeps the rest).
    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int Nanosleep(in Timespec request, IntPtr remaining);

    // Stopwatch ticks to nanoseconds without overflow (whole seconds and the remainder apart).
    private static long ToNanoseconds(long timestamp)
    {
        long frequency = Stopwatch.Frequency;
        return timestamp / frequency * NanosecondsPerSecond + timestamp % frequency * NanosecondsPerSecond / frequency;
    }
}
