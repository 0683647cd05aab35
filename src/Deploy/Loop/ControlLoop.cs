// Runs any policy against a robot at a fixed rate, the way a robot controller's real-time task does. Each tick:
//
//   wait    until the tick's scheduled start t0 + k * period (an absolute schedule: lateness never accumulates)
//   read    the robot's latest observation (an episode start resets the policy)
//   act     the policy, timed; the watchdog replaces its action by the fallback when it threw, took longer than the
//           deadline, or was handed a non-finite observation (then it is not called at all)
//   filter  the safety filter makes the action finite, valid, bounded and rate limited
//   write   the action to the robot, and record the tick's timing
//
// Deadlines. Tick k's deadline is its scheduled start plus DeadlineFraction * period; a tick whose write ends after it
// is a deadline miss. A policy that takes longer than DeadlineFraction * period has overrun: its action is late and
// the watchdog writes the fallback instead. A synchronous loop cannot preempt the policy, so the overrun is known
// (and the fallback written) only when the policy returns.
//
// Late ticks skip, they do not catch up: when a tick ends after the next slot's start, the loop goes to the first slot
// whose start still lies ahead and counts the slots it passed over as skipped. Catching up would issue a burst of
// back-to-back commands computed for moments already gone, and shift every later tick's phase; skipping keeps the
// robot's command stream on the original time grid. Start jitter therefore comes only from the clock's wake-up.
//
// Faults never escape the loop: the policy's exceptions are caught and counted (the last one is kept in the report).
// After MaxConsecutiveFaults faulted ticks in a row the loop stops (the fallback already written), reporting
// ConsecutiveFaults: a policy that keeps failing is not going to recover by itself, and the caller must decide.
// Exceptions of the robot IO do propagate: without reading and writing the loop cannot do anything safe.
//
// Nothing is allocated per tick: the buffers and the statistics (sized by the tick budget) are made in the
// constructor; Run allocates only its report at the end.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;

namespace Control.Deploy.Loop;

/// <summary>A fixed-rate control loop with a watchdog and a safety filter, running an <see cref="IPolicy"/> against an <see cref="IRobotIO"/>.</summary>
public sealed class ControlLoop
{
    /// <summary>Largest tick budget of a run (its statistics take 24 bytes a tick): 27.7 hours at 1 kHz.</summary>
    public const int MaxTicks = 100_000_000;

    private readonly double[] observation, command, lastWritten;
    private readonly long deadlineNanoseconds;
    private readonly TickStatistics statistics;

    /// <summary>
    /// A loop running <paramref name="policy"/> against <paramref name="io"/> as <paramref name="config"/> says, timed by
    /// <paramref name="clock"/> (default: a new <see cref="SystemClock"/>).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The policy's observation or action size differs from the robot's, the robot's action space does not have its
    /// action size, the safe action or a rate limit does not fit the action space, or the config gives no tick budget.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The tick budget exceeds <see cref="MaxTicks"/>.</exception>
    public ControlLoop(IPolicy policy, IRobotIO io, ControlLoopConfig config, IClock? clock = null)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        RobotIO = io ?? throw new ArgumentNullException(nameof(io));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        Clock = clock ?? new SystemClock();
        if (policy.ObservationSize != io.ObservationSize || policy.ActionSize != io.ActionSize)
        {
            throw new ArgumentException(
                $"control loop: expected a policy from observations of length {io.ObservationSize} to actions of length {io.ActionSize} (the robot's), "
                + $"got one from length {policy.ObservationSize} to length {policy.ActionSize}.", nameof(policy));
        }
        Space actionSpace = io.ActionSpace ?? throw new ArgumentException("control loop: expected the robot IO to give its action space, got null.", nameof(io));
        if (actionSpace.FlatSize != io.ActionSize)
            throw new ArgumentException($"control loop: expected the robot's action space to hold actions of length {io.ActionSize}, got {actionSpace.Describe()} of length {actionSpace.FlatSize}.", nameof(io));

        PeriodNanoseconds = config.PeriodNanoseconds;
        deadlineNanoseconds = Math.Max(1, (long)Math.Round(config.DeadlineFraction * PeriodNanoseconds));
        TickBudget = Budget(config, PeriodNanoseconds);
        double[] safe = config.SafeAction ?? DefaultSafeAction(actionSpace);
        Filter = new SafetyFilter(config.Safety, actionSpace, safe, PeriodNanoseconds / 1e9);
        observation = new double[io.ObservationSize];
        command = new double[io.ActionSize];
        lastWritten = new double[io.ActionSize];
        statistics = new TickStatistics(TickBudget);
    }

    /// <summary>The policy being run.</summary>
    public IPolicy Policy { get; }

    /// <summary>The robot it runs against.</summary>
    public IRobotIO RobotIO { get; }

    /// <summary>How it runs.</summary>
    public ControlLoopConfig Config { get; }

    /// <summary>The clock it waits on.</summary>
    public IClock Clock { get; }

    /// <summary>The safety filter every written action passes (reset at the start of each run, so its counts are the last run's).</summary>
    public SafetyFilter Filter { get; }

    /// <summary>The tick period in nanoseconds.</summary>
    public long PeriodNanoseconds { get; }

    /// <summary>Most ticks a run can take: <see cref="ControlLoopConfig.Ticks"/>, or the slots in <see cref="ControlLoopConfig.Duration"/>, whichever is fewer.</summary>
    public int TickBudget { get; }

    /// <summary>The per-tick timing of the last run.</summary>
    public TickStatistics Statistics => statistics;

    /// <summary>
    /// Runs ticks until a stop condition of the config holds, the consecutive-fault limit is reached, or
    /// <paramref name="cancellationToken"/> is cancelled. The policy is reset before the first tick and at every episode start.
    /// </summary>
    public ControlLoopReport Run(CancellationToken cancellationToken = default)
    {
        statistics.Clear();
        Filter.Reset();
        int episodesAtStart = RobotIO.CompletedEpisodes.Count;
        long period = PeriodNanoseconds;
        long policyExceptions = 0, overruns = 0, badObservations = 0, misses = 0, skipped = 0;
        int ticks = 0, consecutiveFaults = 0;
        Exception? lastException = null;
        bool hasWritten = false, resetPending = true;
        long slot = 0, end;
        WarmUp();
        long t0 = Clock.NowNanoseconds;
        long durationEnd = Config.Duration is TimeSpan d ? SaturatingAdd(t0, Nanoseconds(d)) : long.MaxValue;
        LoopStopReason reason;
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                reason = LoopStopReason.Cancelled;
                end = Clock.NowNanoseconds;
                break;
            }

            // Wait and read.
            long scheduled = t0 + slot * period;
            Clock.WaitUntil(scheduled);
            long start = Clock.NowNanoseconds;
            if (RobotIO.ReadObservation(observation) == ObservationStatus.EpisodeStart) resetPending = true;

            // Act, under the watchdog.
            long policyStart = Clock.NowNanoseconds;
            bool faulted = false;
            if (!AllFinite(observation))
            {
                badObservations++;
                faulted = true;
            }
            else
            {
                try
                {
                    if (resetPending) Policy.Reset();
                    resetPending = false;
                    Policy.Act(observation, command);
                }
                catch (Exception e)
                {
                    policyExceptions++;
                    lastException = e;
                    faulted = true;
                }
            }
            long policyTime = Clock.NowNanoseconds - policyStart;
            if (!faulted && policyTime > deadlineNanoseconds)
            {
                overruns++;
                faulted = true;
            }
            if (faulted)
            {
                consecutiveFaults++;
                ReadOnlySpan<double> fallback = Config.OnFault == FaultResponse.HoldLastAction && hasWritten ? lastWritten : Filter.SafeAction;
                fallback.CopyTo(command);
            }
            else
            {
                consecutiveFaults = 0;
            }

            // Filter and write.
            Filter.Apply(command);
            RobotIO.WriteAction(command);
            command.CopyTo(lastWritten.AsSpan());
            hasWritten = true;
            end = Clock.NowNanoseconds;
            if (end > scheduled + deadlineNanoseconds) misses++;
            statistics.Record(policyTime, end - start, start - scheduled);
            ticks++;

            // Stop, or go to the next slot whose start still lies ahead.
            if (Config.MaxConsecutiveFaults is int maxFaults && consecutiveFaults >= maxFaults)
            {
                reason = LoopStopReason.ConsecutiveFaults;
                break;
            }
            if (Config.Episodes is int episodes && RobotIO.CompletedEpisodes.Count - episodesAtStart >= episodes)
            {
                reason = LoopStopReason.EpisodesCompleted;
                break;
            }
            if (Config.Ticks is int maxTicks && ticks >= maxTicks)
            {
                reason = LoopStopReason.TicksCompleted;
                break;
            }
            long next = slot + 1;
            if (t0 + next * period < end)
            {
                long firstAhead = (end - t0 + period - 1) / period;
                skipped += firstAhead - next;
                next = firstAhead;
            }
            slot = next;
            if (t0 + slot * period >= durationEnd)
            {
                reason = LoopStopReason.DurationElapsed;
                break;
            }
        }

        IReadOnlyList<EpisodeResult> completed = RobotIO.CompletedEpisodes;
        var runEpisodes = new EpisodeResult[completed.Count - episodesAtStart];
        for (int i = 0; i < runEpisodes.Length; i++) runEpisodes[i] = completed[episodesAtStart + i];
        return new ControlLoopReport(reason, Config.RateHz, ticks, skipped, misses,
            statistics.PolicyTime(), statistics.BusyTime(), statistics.StartJitter(),
            new WatchdogCounts(policyExceptions, overruns, badObservations), Filter.Counts, runEpisodes,
            (end - t0) / 1e9, lastException);
    }

    // Config.WarmupCalls untimed calls on the first observation (the robot's current state; nothing is written), so
    // that JIT compilation and a runtime's first run fall before the schedule. A policy that throws or an observation
    // that is not finite ends the warm-up: the ticks' watchdog deals with them.
    private void WarmUp()
    {
        if (Config.WarmupCalls == 0) return;
        RobotIO.ReadObservation(observation);
        if (!AllFinite(observation)) return;
        try
        {
            for (int i = 0; i < Config.WarmupCalls; i++) Policy.Act(observation, command);
        }
        catch (Exception)
        {
            return;
        }
    }

    // Zeros clipped into a Box's bounds; the first index of a Discrete space.
    private static double[] DefaultSafeAction(Space space)
    {
        var safe = new double[space.FlatSize];
        if (space is Box box) box.Clip(safe);
        return safe;
    }

    private static int Budget(ControlLoopConfig config, long period)
    {
        if (config.Ticks is null && config.Duration is null)
            throw new ArgumentException("control loop: expected Ticks or Duration in the config to bound the run (its per-tick statistics are preallocated), got neither.", nameof(config));
        long budget = config.Ticks ?? long.MaxValue;
        if (config.Duration is TimeSpan d)
        {
            budget = Math.Min(budget, Nanoseconds(d) / period + (Nanoseconds(d) % period == 0 ? 0 : 1));
        }
        if (budget > MaxTicks)
            throw new ArgumentOutOfRangeException(nameof(config), budget, $"control loop: expected a tick budget of at most {MaxTicks} ticks (Ticks, or Duration times RateHz).");
        // The schedule t0 + slot * period must stay far from overflow, skipped slots included.
        if (budget > long.MaxValue / 4 / period)
            throw new ArgumentOutOfRangeException(nameof(config), budget, $"control loop: {budget} ticks of {period} ns overrun the clock's range; expected a schedule shorter than {long.MaxValue / 4 / 1e9:E1} s.");
        return (int)budget;
    }

    // A duration in nanoseconds, saturating at long.MaxValue (about 292 years).
    private static long Nanoseconds(TimeSpan duration)
    {
        const long perTick = 1_000_000_000 / TimeSpan.TicksPerSecond;
        return duration.Ticks > long.MaxValue / perTick ? long.MaxValue : duration.Ticks * perTick;
    }

    private static long SaturatingAdd(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v)) return false;
        }
        return true;
    }
}
