namespace Control.Deploy.Loop;

/// <summary>
/// How a <see cref="ControlLoop"/> runs: its rate, when it stops, its deadline and what its watchdog and safety filter
/// do. A run needs a tick budget, <see cref="Ticks"/> or <see cref="Duration"/> (the per-tick statistics are
/// preallocated for it); <see cref="Episodes"/> may end it earlier.
/// </summary>
public sealed record ControlLoopConfig
{
    private readonly double rateHz = 100;
    private readonly int? ticks;
    private readonly TimeSpan? duration;
    private readonly int? episodes;
    private readonly double deadlineFraction = 1.0;
    private readonly int? maxConsecutiveFaults = 10;
    private readonly int warmupCalls = 20;

    /// <summary>
    /// Ticks per second, positive and finite (robots typically run 50 Hz to 1 kHz); the period is 1/RateHz rounded to
    /// whole nanoseconds. Default 100.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Zero, negative, NaN, infinite, or above 1e9 (a period under one nanosecond).</exception>
    public double RateHz
    {
        get => rateHz;
        init
        {
            if (!(value > 0) || !double.IsFinite(value) || value > 1e9)
                throw new ArgumentOutOfRangeException(nameof(RateHz), value, "control loop: expected a rate in Hz that is positive and finite (at most 1e9), e.g. 50 to 1000.");
            rateHz = value;
        }
    }

    /// <summary>Ticks to run (skipped slots of late ticks do not count), at least 1; default null (no tick limit).</summary>
    public int? Ticks
    {
        get => ticks;
        init => ticks = value is null or >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(Ticks), value, "control loop: expected at least one tick.");
    }

    /// <summary>Wall time (clock time) of the run: no tick starts at or after it, positive; default null (no time limit).</summary>
    public TimeSpan? Duration
    {
        get => duration;
        init => duration = value is null || value.Value > TimeSpan.Zero ? value
            : throw new ArgumentOutOfRangeException(nameof(Duration), value, "control loop: expected a positive duration.");
    }

    /// <summary>Stop once the robot IO has finished this many episodes in the run, at least 1; default null (episodes do not stop the run).</summary>
    public int? Episodes
    {
        get => episodes;
        init => episodes = value is null or >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(Episodes), value, "control loop: expected at least one episode.");
    }

    /// <summary>
    /// The tick's deadline as a fraction of the period, in (0, 1]: tick k's action must be written by
    /// t0 + k * period + DeadlineFraction * period, and the policy may take at most DeadlineFraction * period. Default 1
    /// (the deadline is the next tick's start).
    /// </summary>
    public double DeadlineFraction
    {
        get => deadlineFraction;
        init => deadlineFraction = value > 0 && value <= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(DeadlineFraction), value, "control loop: expected a deadline fraction in (0, 1].");
    }

    /// <summary>What the watchdog writes on a faulted tick; default <see cref="FaultResponse.HoldLastAction"/>.</summary>
    public FaultResponse OnFault { get; init; } = FaultResponse.HoldLastAction;

    /// <summary>
    /// The safe action: written on a fault under <see cref="FaultResponse.ApplySafeAction"/> (and under HoldLastAction
    /// before any action was written), and replacing non-finite or invalid actions in the safety filter. Must lie in the
    /// robot's action space. Like every action it passes the safety filter, so with a rate limit the robot is moved
    /// toward it at the limited rate rather than jumped to it (an actuator must not step either way). Default null:
    /// zeros clipped into a Box's bounds, index 0 of a Discrete space.
    /// </summary>
    public double[]? SafeAction { get; init; }

    /// <summary>
    /// Faulted ticks in a row after which the run stops with <see cref="LoopStopReason.ConsecutiveFaults"/>, at least 1;
    /// null never stops on faults. Default 10.
    /// </summary>
    public int? MaxConsecutiveFaults
    {
        get => maxConsecutiveFaults;
        init => maxConsecutiveFaults = value is null or >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxConsecutiveFaults), value, "control loop: expected at least one fault before stopping, or null to never stop on faults.");
    }

    /// <summary>
    /// Untimed policy calls on the first observation before the schedule starts, their actions discarded (the policy is
    /// reset after them), so that the first ticks do not pay for JIT compilation or a runtime's first-run setup; at
    /// least 0. Default 20.
    /// </summary>
    public int WarmupCalls
    {
        get => warmupCalls;
        init => warmupCalls = value >= 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(WarmupCalls), value, "control loop: expected a warm-up call count of at least 0.");
    }

    /// <summary>The safety filter every written action passes; default <c>new SafetyFilterConfig()</c> (clip to bounds, no rate limit).</summary>
    public SafetyFilterConfig Safety { get; init; } = new();

    /// <summary>The period 1/<see cref="RateHz"/> in whole nanoseconds (rounded, at least 1).</summary>
    public long PeriodNanoseconds => Math.Max(1, (long)Math.Round(1e9 / RateHz));
}
