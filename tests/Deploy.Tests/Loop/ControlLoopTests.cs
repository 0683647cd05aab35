// The control loop on a simulated clock: the absolute schedule, deadlines and skipped slots, the watchdog's fallback
// for policies that overrun, throw or meet a non-finite observation, the consecutive-fault stop, the stop conditions,
// exact timing statistics, the typed errors before the first tick, and no allocation per tick. A scripted policy
// "takes" simulated time by advancing the clock; a recording robot IO notes when it was read and what was written.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Deploy.Loop;

namespace Control.Deploy.Tests.Loop;

public class ControlLoopTests
{
    private const long Period = 1_000_000; // 1 kHz

    private static double ActionOf(int call) => 0.01 * (call + 1);

    private sealed class ScriptedPolicy(SimulatedClock clock, int observationSize = 1) : IPolicy
    {
        public int Calls;
        public List<int> ResetsAtCall = new(capacity: 1024);
        public Func<int, long> TimeTaken = _ => 0;
        public Func<int, bool> Throws = _ => false;
        public Func<int, double> Action = ActionOf;
        public Action<int>? OnCall;

        public int ObservationSize => observationSize;

        public int ActionSize => 1;

        public void Act(ReadOnlySpan<double> observation, Span<double> action)
        {
            int k = Calls++;
            OnCall?.Invoke(k);
            clock.Advance(TimeTaken(k));
            if (Throws(k)) throw new InvalidOperationException($"scripted failure {k}");
            action[0] = Action(k);
        }

        public void Reset() => ResetsAtCall.Add(Calls);
    }

    private sealed class RecordingIO(IClock clock, Space? actionSpace = null, int capacity = 1024) : IRobotIO
    {
        public readonly List<long> ReadTimes = new(capacity);
        public readonly List<double> Written = new(capacity);
        public Func<int, bool> NonFiniteAt = _ => false;
        public Func<int, bool> EpisodeStartAt = k => k == 0;
        private int reads;

        public int ObservationSize => 1;

        public int ActionSize => 1;

        public Space ActionSpace { get; } = actionSpace ?? Box.Uniform(1, -1, 1);

        public IReadOnlyList<EpisodeResult> CompletedEpisodes => [];

        public ObservationStatus ReadObservation(Span<double> observation)
        {
            int k = reads++;
            ReadTimes.Add(clock.NowNanoseconds);
            observation[0] = NonFiniteAt(k) ? double.NaN : k;
            return EpisodeStartAt(k) ? ObservationStatus.EpisodeStart : ObservationStatus.Continuing;
        }

        public void WriteAction(ReadOnlySpan<double> action) => Written.Add(action[0]);
    }

    // A clock that wakes up late by a chosen amount after each wait, to give known start jitters.
    private sealed class LateClock(SimulatedClock inner, Func<int, long> latency) : IClock
    {
        private int waits;

        public long NowNanoseconds => inner.NowNanoseconds;

        public void WaitUntil(long deadlineNanoseconds)
        {
            inner.WaitUntil(deadlineNanoseconds);
            inner.Advance(latency(waits++));
        }
    }

    // No warm-up: the scripted policies count their calls from the first tick.
    private static ControlLoopConfig Config(int ticks) => new() { RateHz = 1000, Ticks = ticks, WarmupCalls = 0 };

    [Fact]
    public void TickKStartsAtT0PlusKPeriodsWithoutDrift()
    {
        var clock = new SimulatedClock(startNanoseconds: 12_345);
        var policy = new ScriptedPolicy(clock) { TimeTaken = _ => 300_000 };
        var io = new RecordingIO(clock);
        ControlLoopReport report = new ControlLoop(policy, io, Config(5), clock).Run();

        Assert.Equal([12_345L, 12_345 + Period, 12_345 + 2 * Period, 12_345 + 3 * Period, 12_345 + 4 * Period], io.ReadTimes);
        Assert.Equal(Enumerable.Range(0, 5).Select(ActionOf), io.Written);
        Assert.Equal(LoopStopReason.TicksCompleted, report.StopReason);
        Assert.Equal(5, report.Ticks);
        Assert.Equal(0, report.DeadlineMisses);
        Assert.Equal(0, report.SkippedTicks);
        Assert.Equal(new TimingSummary(5, 300, 300, 300, 300), report.PolicyTime);
        Assert.Equal(new TimingSummary(5, 300, 300, 300, 300), report.BusyTime);
        Assert.Equal(new TimingSummary(5, 0, 0, 0, 0), report.StartJitter);
        Assert.Equal(0.0043, report.ElapsedSeconds, 12);
        Assert.Equal([0], policy.ResetsAtCall);
        Assert.Equal(0, report.Watchdog.Trips);
    }

    [Fact]
    public void AnOverrunHoldsTheLastActionCountsAMissAndSkipsTheSlotItOverranInto()
    {
        var clock = new SimulatedClock();
        var policy = new ScriptedPolicy(clock) { TimeTaken = k => k == 2 ? 3 * Period / 2 : 0 };
        var io = new RecordingIO(clock);
        ControlLoopReport report = new ControlLoop(policy, io, Config(5), clock).Run();

        // Tick 2 ends at 3.5 ms, so slot 3 is skipped and the next tick starts on the grid at 4 ms.
        Assert.Equal([0L, Period, 2 * Period, 4 * Period, 5 * Period], io.ReadTimes);
        Assert.Equal([ActionOf(0), ActionOf(1), ActionOf(1), ActionOf(3), ActionOf(4)], io.Written);
        Assert.Equal(new WatchdogCounts(PolicyExceptions: 0, PolicyOverruns: 1, NonFiniteObservations: 0), report.Watchdog);
        Assert.Equal(1, report.DeadlineMisses);
        Assert.Equal(1, report.SkippedTicks);
        Assert.Equal(5, report.Ticks);
        Assert.Equal(1500.0, report.PolicyTime.MaxMicroseconds);
    }

    [Fact]
    public void AnOverrunAppliesTheConfiguredSafeActionWhenAskedTo()
    {
        var clock = new SimulatedClock();
        var policy = new ScriptedPolicy(clock) { TimeTaken = k => k == 2 ? 3 * Period / 2 : 0 };
        var io = new RecordingIO(clock);
        ControlLoopConfig config = Config(5) with { OnFault = FaultResponse.ApplySafeAction, SafeAction = [-0.5] };
        new ControlLoop(policy, io, config, clock).Run();
        Assert.Equal([ActionOf(0), ActionOf(1), -0.5, ActionOf(3), ActionOf(4)], io.Written);
    }

    [Fact]
    public void BeforeAnyActionHoldingFallsBackToTheDefaultSafeActionZerosClippedIntoTheBounds()
    {
        var clock = new SimulatedClock();
        var policy = new ScriptedPolicy(clock) { Throws = k => k == 0 };
        var io = new RecordingIO(clock, new Box([0.01], [1.0]));
        new ControlLoop(policy, io, Config(2), clock).Run();
        Assert.Equal([0.01, ActionOf(1)], io.Written);
    }

    [Fact]
    public void TheDeadlineIsAFractionOfThePeriodAndOnlyAPolicyBeyondItOverruns()
    {
        var clock = new SimulatedClock();
        // Call 0 takes exactly the deadline (half a period): on time. Call 1 takes 0.6 periods: overrun and miss,
        // but it ends before the next slot, so nothing is skipped.
        var policy = new ScriptedPolicy(clock) { TimeTaken = k => k switch { 0 => Period / 2, 1 => 6 * Period / 10, _ => 0 } };
        var io = new RecordingIO(clock);
        ControlLoopReport report = new ControlLoop(policy, io, Config(3) with { DeadlineFraction = 0.5 }, clock).Run();
        Assert.Equal([0L, Period, 2 * Period], io.ReadTimes);
        Assert.Equal([ActionOf(0), ActionOf(0), ActionOf(2)], io.Written);
        Assert.Equal(1, report.Watchdog.PolicyOverruns);
        Assert.Equal(1, report.DeadlineMisses);
        Assert.Equal(0, report.SkippedTicks);
    }

    [Fact]
    public void AThrowingPolicyIsCountedHeldAndNeverPropagates()
    {
        var clock = new SimulatedClock();
        var policy = new ScriptedPolicy(clock) { Throws = k => k is 1 or 3 };
        var io = new RecordingIO(clock);
        ControlLoopReport report = new ControlLoop(policy, io, Config(5), clock).Run();
        Assert.Equal([ActionOf(0), ActionOf(0), ActionOf(2), ActionOf(2), ActionOf(4)], io.Written);
        Assert.Equal(new WatchdogCounts(PolicyExceptions: 2, PolicyOverruns: 0, NonFiniteObservations: 0), report.Watchdog);
        Assert.Equal("scripted failure 3", report.LastPolicyException?.Message);
        Assert.Equal(0, report.DeadlineMisses);
        Assert.Equal(LoopStopReason.TicksCompleted, report.StopReason);
    }

    [Fact]
    public void ConsecutiveFaultsStopTheLoopAfterWritingTheFallback()
    {
        var clock = new SimulatedClock();
        var policy = new ScriptedPolicy(clock) { Throws = k => k >= 3 };
        var io = new RecordingIO(clock);
        ControlLoopReport report = new ControlLoop(policy, io, Config(100) with { MaxConsecutiveFaults = 4 }, clock).Run();
        Assert.Equal(LoopStopReason.ConsecutiveFaults, report.StopReason);
        Assert.Equal(7, report.Ticks);
        Assert.Equal([ActionOf(0), ActionOf(1), ActionOf(2), ActionOf(2), ActionOf(2), ActionOf(2), ActionOf(2)], io.Written);
        Assert.Equal(4, report.Watchdog.Trips);
    }

    [Fact]
    public void ASuccessfulTickRestartsTheFaultCount()
    {
        var clock = new SimulatedClock();
        var policy = new ScriptedPolicy(clock) { Throws = k => k % 3 != 0 };
        ControlLoopReport report = new ControlLoop(policy, new RecordingIO(clock), Config(10) with { MaxConsecutiveFaults = 3 }, clock).Run();
        Assert.Equal(LoopStopReason.TicksCompleted, report.StopReason);
        Assert.Equal(6, report.Watchdog.PolicyExceptions);
        ControlLoopReport unlimited = new ControlLoop(new ScriptedPolicy(clock) { Throws = _ => true }, new RecordingIO(clock),
            Config(50) with { MaxConsecutiveFaults = null }, clock).Run();
        Assert.Equal(LoopStopReason.TicksCompleted, unlimited.StopReason);
        Assert.Equal(50, unlimited.Watchdog.PolicyExceptions);
    }

    [Fact]
    public void OverrunsCountTowardsTheFaultLimit()
    {
        var clock = new SimulatedClock();
        var policy = new ScriptedPolicy(clock) { TimeTaken = _ => 3 * Period / 2 };
        var io = new RecordingIO(clock);
        ControlLoopReport report = new ControlLoop(policy, io, Config(100) with { MaxConsecutiveFaults = 2 }, clock).Run();
        Assert.Equal(LoopStopReason.ConsecutiveFaults, report.StopReason);
        Assert.Equal([0L, 2 * Period], io.ReadTimes);
        Assert.Equal(2, report.DeadlineMisses);
        Assert.Equal(1, report.SkippedTicks);
        Assert.Equal([0.0, 0.0], io.Written); // the default safe action, then held
    }

    [Fact]
    public void ANonFiniteObservationNeverReachesThePolicyAndAPendingResetWaitsForTheNextCall()
    {
        var clock = new SimulatedClock();
        var policy = new ScriptedPolicy(clock);
        var io = new RecordingIO(clock) { NonFiniteAt = k => k == 2, EpisodeStartAt = k => k is 0 or 2 };
        ControlLoopReport report = new ControlLoop(policy, io, Config(4), clock).Run();
        Assert.Equal(3, policy.Calls);
        Assert.Equal([ActionOf(0), ActionOf(1), ActionOf(1), ActionOf(2)], io.Written);
        Assert.Equal(new WatchdogCounts(0, 0, NonFiniteObservations: 1), report.Watchdog);
        Assert.Equal([0, 2], policy.ResetsAtCall); // episode 2 started on the bad tick; the policy is reset before its next call
    }

    [Fact]
    public void ANonFinitePolicyActionIsTheSafetyFiltersNotAWatchdogTrip()
    {
        var clock = new SimulatedClock();
        var policy = new ScriptedPolicy(clock) { Action = k => k == 1 ? double.NaN : 5.0 };
        var io = new RecordingIO(clock);
        ControlLoopConfig config = Config(3) with { SafeAction = [0.5], Safety = new SafetyFilterConfig { MaxChangePerTick = [0.25] } };
        ControlLoopReport report = new ControlLoop(policy, io, config, clock).Run();
        // 5 clipped to 1; NaN replaced by 0.5 and rate limited to 0.75; 5 clipped to 1.
        Assert.Equal([1.0, 0.75, 1.0], io.Written);
        Assert.Equal(new SafetyFilterCounts(NonFinite: 1, Invalid: 0, Clipped: 2, RateLimited: 1), report.SafetyFilter);
        Assert.Equal(0, report.Watchdog.Trips);
    }

    [Fact]
    public void PolicyTimesAndStartJittersGiveExactPercentiles()
    {
        var clock = new SimulatedClock();
        var policy = new ScriptedPolicy(clock) { TimeTaken = k => (k + 1) * 1000L };
        ControlLoopReport report = new ControlLoop(policy, new RecordingIO(clock), Config(100), clock).Run();
        Assert.Equal(new TimingSummary(100, 50, 99, 100, 50.5), report.PolicyTime);
        Assert.Equal(report.PolicyTime, report.BusyTime);
        Assert.Equal(0, report.DeadlineMisses);

        // Wake-ups late by k * 100 ns on tick k: jitters 0, 0.1, ..., 9.9 us.
        var inner = new SimulatedClock();
        var late = new LateClock(inner, k => k * 100L);
        ControlLoopReport jittered = new ControlLoop(new ScriptedPolicy(inner), new RecordingIO(late), Config(100), late).Run();
        Assert.Equal(100, jittered.StartJitter.Count);
        Assert.Equal(4.9, jittered.StartJitter.P50Microseconds, 12);
        Assert.Equal(9.8, jittered.StartJitter.P99Microseconds, 12);
        Assert.Equal(9.9, jittered.StartJitter.MaxMicroseconds, 12);
        Assert.Equal(4.95, jittered.StartJitter.MeanMicroseconds, 12);
        Assert.Equal(0, jittered.SkippedTicks);
    }

    [Fact]
    public void DurationBoundsTheSlotsAndTheTighterOfTicksAndDurationWins()
    {
        var clock = new SimulatedClock();
        ControlLoopReport a = new ControlLoop(new ScriptedPolicy(clock), new RecordingIO(clock),
            new ControlLoopConfig { RateHz = 1000, WarmupCalls = 0, Duration = TimeSpan.FromMicroseconds(10_500) }, clock).Run();
        Assert.Equal((LoopStopReason.DurationElapsed, 11), (a.StopReason, a.Ticks));
        ControlLoopReport b = new ControlLoop(new ScriptedPolicy(clock), new RecordingIO(clock),
            new ControlLoopConfig { RateHz = 1000, WarmupCalls = 0, Duration = TimeSpan.FromMilliseconds(10) }, clock).Run();
        Assert.Equal((LoopStopReason.DurationElapsed, 10), (b.StopReason, b.Ticks));

        // An overrun of 2.5 periods on tick 0 skips slots 1 and 2: 8 of the 10 slots run.
        var io = new RecordingIO(clock);
        var loop = new ControlLoop(new ScriptedPolicy(clock) { TimeTaken = k => k == 0 ? 5 * Period / 2 : 0 }, io,
            new ControlLoopConfig { RateHz = 1000, WarmupCalls = 0, Duration = TimeSpan.FromMilliseconds(10), Ticks = 50 }, clock);
        Assert.Equal(10, loop.TickBudget);
        ControlLoopReport c = loop.Run();
        Assert.Equal((LoopStopReason.DurationElapsed, 8, 2L), (c.StopReason, c.Ticks, c.SkippedTicks));

        var short_ = new ControlLoop(new ScriptedPolicy(clock), new RecordingIO(clock),
            new ControlLoopConfig { RateHz = 1000, WarmupCalls = 0, Duration = TimeSpan.FromSeconds(1), Ticks = 3 }, clock);
        Assert.Equal(3, short_.TickBudget);
        Assert.Equal(LoopStopReason.TicksCompleted, short_.Run().StopReason);
    }

    [Fact]
    public void CancellationStopsBeforeTheNextTick()
    {
        var clock = new SimulatedClock();
        using var cancel = new CancellationTokenSource();
        var policy = new ScriptedPolicy(clock) { OnCall = k => { if (k == 3) cancel.Cancel(); } };
        ControlLoopReport report = new ControlLoop(policy, new RecordingIO(clock), Config(100), clock).Run(cancel.Token);
        Assert.Equal((LoopStopReason.Cancelled, 4), (report.StopReason, report.Ticks));
        ControlLoopReport none = new ControlLoop(new ScriptedPolicy(clock), new RecordingIO(clock), Config(100), clock).Run(cancel.Token);
        Assert.Equal((LoopStopReason.Cancelled, 0, 0), (none.StopReason, none.Ticks, none.PolicyTime.Count));
    }

    [Fact]
    public void ARunCanBeRepeatedWithFreshStatistics()
    {
        var clock = new SimulatedClock();
        var loop = new ControlLoop(new ScriptedPolicy(clock) { Throws = k => k == 0 }, new RecordingIO(clock), Config(3), clock);
        ControlLoopReport first = loop.Run();
        ControlLoopReport second = loop.Run();
        Assert.Equal(1, first.Watchdog.PolicyExceptions);
        Assert.Equal(0, second.Watchdog.PolicyExceptions);
        Assert.Equal(3, second.PolicyTime.Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-50.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(2e9)]
    public void ARateThatIsNotPositiveAndFiniteIsRefused(double rate)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoopConfig { RateHz = rate });
        Assert.Equal(nameof(ControlLoopConfig.RateHz), e.ParamName);
        Assert.Contains("positive and finite", e.Message);
    }

    [Fact]
    public void OtherConfigValuesOutOfRangeAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoopConfig { Ticks = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoopConfig { Episodes = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoopConfig { Duration = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoopConfig { DeadlineFraction = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoopConfig { DeadlineFraction = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoopConfig { MaxConsecutiveFaults = 0 });
        Assert.Equal(20_000_000, new ControlLoopConfig { RateHz = 50 }.PeriodNanoseconds);
        Assert.Equal(333_333, new ControlLoopConfig { RateHz = 3000 }.PeriodNanoseconds);
    }

    [Fact]
    public void MismatchedSizesAMissingBudgetAndABadSafeActionAreRefusedBeforeTheFirstTick()
    {
        var clock = new SimulatedClock();
        var io = new RecordingIO(clock);
        var sizes = Assert.Throws<ArgumentException>(() => new ControlLoop(new ScriptedPolicy(clock, observationSize: 2), io, Config(1), clock));
        Assert.Contains("observations of length 1 to actions of length 1", sizes.Message);
        Assert.Contains("got one from length 2 to length 1", sizes.Message);
        var budget = Assert.Throws<ArgumentException>(() => new ControlLoop(new ScriptedPolicy(clock), io, new ControlLoopConfig { RateHz = 1000, Episodes = 3 }, clock));
        Assert.Contains("Ticks or Duration", budget.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoop(new ScriptedPolicy(clock), io, new ControlLoopConfig { RateHz = 1000, WarmupCalls = 0, Duration = TimeSpan.FromDays(2) }, clock));
        Assert.Throws<ArgumentException>(() => new ControlLoop(new ScriptedPolicy(clock), io, Config(1) with { SafeAction = [2.0] }, clock));
        Assert.Empty(io.ReadTimes);
    }

    [Fact]
    public void TicksAllocateNothing()
    {
        const int ticks = 10_000;
        var clock = new SimulatedClock();
        long atStart = 0, atEnd = 0;
        // Every path of a tick is taken: overruns and skips, non-finite observations, episode starts (policy resets),
        // clipping and rate limiting.
        var policy = new ScriptedPolicy(clock)
        {
            TimeTaken = k => k % 7 == 0 ? 3 * Period / 2 : 1000,
            Action = k => (k % 5) - 2.0,
            OnCall = k =>
            {
                if (k == 100) atStart = GC.GetAllocatedBytesForCurrentThread();
                if (k == 8000) atEnd = GC.GetAllocatedBytesForCurrentThread();
            },
        };
        var io = new RecordingIO(clock, capacity: ticks) { NonFiniteAt = k => k % 11 == 5, EpisodeStartAt = k => k % 50 == 0 };
        ControlLoopConfig config = Config(ticks) with { MaxConsecutiveFaults = null, Safety = new SafetyFilterConfig { MaxChangePerSecond = [1000.0] } };
        ControlLoopReport report = new ControlLoop(policy, io, config, clock).Run();
        Assert.True(report.Watchdog.PolicyOverruns > 0 && report.Watchdog.NonFiniteObservations > 0 && report.SkippedTicks > 0);
        Assert.True(report.SafetyFilter.Clipped > 0 && report.SafetyFilter.RateLimited > 0 && policy.ResetsAtCall.Count > 1);
        Assert.True(atEnd > 0);
        Assert.Equal(0, atEnd - atStart);
    }

    [Fact]
    public void TheWarmUpCallsThePolicyBeforeTheScheduleWritesNothingAndResetsIt()
    {
        var clock = new SimulatedClock(startNanoseconds: 500);
        var policy = new ScriptedPolicy(clock) { TimeTaken = k => k == 0 ? 50 * Period : 0 };
        var io = new RecordingIO(clock);
        ControlLoopReport report = new ControlLoop(policy, io, Config(4) with { WarmupCalls = 3 }, clock).Run();
        long t0 = 500 + 50 * Period;
        Assert.Equal([500, t0, t0 + Period, t0 + 2 * Period, t0 + 3 * Period], io.ReadTimes);
        Assert.Equal([ActionOf(3), ActionOf(4), ActionOf(5), ActionOf(6)], io.Written);
        Assert.Equal([3], policy.ResetsAtCall);
        Assert.Equal(0, report.DeadlineMisses);
        Assert.Equal(0, report.Watchdog.Trips);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoopConfig { WarmupCalls = -1 });
    }

    [Fact]
    public void AScheduleBeyondTheClocksRangeIsRefusedBeforeTheFirstTick()
    {
        var clock = new SimulatedClock();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ControlLoop(new ScriptedPolicy(clock), new RecordingIO(clock), new ControlLoopConfig { RateHz = 1e-3, Ticks = 10_000_000 }, clock));
        Assert.Contains("clock's range", e.Message);
    }
}
