using Control.Core.Episodes;

namespace Control.Deploy.Loop;

/// <summary>What a <see cref="ControlLoop"/> run did: why it stopped, its timing, its faults, its filtering and its episodes.</summary>
/// <param name="StopReason">Why the run ended.</param>
/// <param name="RateHz">The configured rate.</param>
/// <param name="Ticks">Ticks run (each read an observation and wrote an action).</param>
/// <param name="SkippedTicks">Scheduled slots skipped because the previous tick ended after their start.</param>
/// <param name="DeadlineMisses">Ticks whose action was written after the tick's deadline.</param>
/// <param name="PolicyTime">Time of the policy on each tick (reset and act).</param>
/// <param name="BusyTime">Time of each tick's work: read, policy, safety filter, write.</param>
/// <param name="StartJitter">Each tick's actual start minus its scheduled start.</param>
/// <param name="Watchdog">Faulted ticks by cause.</param>
/// <param name="SafetyFilter">Actions the safety filter changed, by reason.</param>
/// <param name="Episodes">Episodes the robot IO finished during the run, in order.</param>
/// <param name="ElapsedSeconds">Clock time from the first tick's start to the last tick's end.</param>
/// <param name="LastPolicyException">The last exception the policy threw, if any (for diagnosis; the loop never rethrows it).</param>
public sealed record ControlLoopReport(
    LoopStopReason StopReason,
    double RateHz,
    int Ticks,
    long SkippedTicks,
    long DeadlineMisses,
    TimingSummary PolicyTime,
    TimingSummary BusyTime,
    TimingSummary StartJitter,
    WatchdogCounts Watchdog,
    SafetyFilterCounts SafetyFilter,
    IReadOnlyList<EpisodeResult> Episodes,
    double ElapsedSeconds,
    Exception? LastPolicyException)
{
    /// <summary>Mean return of <see cref="Episodes"/> (NaN when none finished).</summary>
    public double MeanReturn => Episodes.Count == 0 ? double.NaN : Episodes.Average(e => e.Return);

    /// <summary>Population standard deviation of the returns of <see cref="Episodes"/> (NaN when none finished).</summary>
    public double StdReturn
    {
        get
        {
            if (Episodes.Count == 0) return double.NaN;
            double mean = MeanReturn;
            return Math.Sqrt(Episodes.Average(e => (e.Return - mean) * (e.Return - mean)));
        }
    }
}
