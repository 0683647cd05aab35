// The machine clock: waiting returns at or after the deadline (a postcondition, not a timing measurement), and one
// short run at 1 kHz completes and reports. Nothing here asserts how late or early anything was.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Deploy.Loop;

namespace Control.Deploy.Tests.Loop;

public class SystemClockTests
{
    private sealed class Zero : IPolicy
    {
        public int ObservationSize => 1;

        public int ActionSize => 1;

        public void Act(ReadOnlySpan<double> observation, Span<double> action) => action[0] = observation[0];

        public void Reset() { }
    }

    private sealed class Constant : IRobotIO
    {
        public int ObservationSize => 1;

        public int ActionSize => 1;

        public Space ActionSpace { get; } = Box.Uniform(1, -1, 1);

        public IReadOnlyList<EpisodeResult> CompletedEpisodes => [];

        public int Writes;

        public ObservationStatus ReadObservation(Span<double> observation)
        {
            observation[0] = 0.5;
            return ObservationStatus.Continuing;
        }

        public void WriteAction(ReadOnlySpan<double> action) => Writes++;
    }

    [Fact]
    public void WaitingReturnsNoEarlierThanTheDeadlineAndTimeNeverGoesBack()
    {
        foreach (var clock in new[] { new SystemClock(), new SystemClock(TimeSpan.Zero) })
        {
            long before = clock.NowNanoseconds;
            long deadline = before + 2_000_000;
            clock.WaitUntil(deadline);
            Assert.True(clock.NowNanoseconds >= deadline);
            clock.WaitUntil(before); // in the past: returns
            Assert.True(clock.NowNanoseconds >= deadline);
        }
        Assert.Equal(SystemClock.DefaultSpinThreshold, new SystemClock().SpinThreshold);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SystemClock(TimeSpan.FromTicks(-1)));
    }

    [Fact]
    public void FiftyTicksAtOneKilohertzCompleteAndReport()
    {
        var io = new Constant();
        ControlLoopReport report = new ControlLoop(new Zero(), io, new ControlLoopConfig { RateHz = 1000, Ticks = 50 }).Run();
        Assert.Equal(LoopStopReason.TicksCompleted, report.StopReason);
        Assert.Equal(50, report.Ticks);
        Assert.Equal(50, io.Writes);
        Assert.Equal(50, report.PolicyTime.Count);
        Assert.Equal(50, report.StartJitter.Count);
    }
}
