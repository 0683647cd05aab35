// The calling thread's own CPU time (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)): on a shared machine, the time
// slices given to other processes do not count, so a rate per CPU second compares two engines even under load.
using System.Runtime.InteropServices;

namespace Control.Bench.Runs;

/// <summary>CPU time of the calling thread.</summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>Seconds of CPU time the calling thread has used; NaN where the clock is unavailable (not Linux).</summary>
    public static unsafe double Seconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        long* time = stackalloc long[2];
        return ClockGetTime(ClockThreadCpuTime, time) == 0 ? time[0] + 1e-9 * time[1] : double.NaN;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static unsafe partial int ClockGetTime(int clock, long* time);
}
