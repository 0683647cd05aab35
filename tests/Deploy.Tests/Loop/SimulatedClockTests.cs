// The simulated clock moves only when waited on or advanced, never backwards.
using Control.Deploy.Loop;

namespace Control.Deploy.Tests.Loop;

public class SimulatedClockTests
{
    [Fact]
    public void WaitingJumpsForwardAndAdvancingAddsTime()
    {
        var clock = new SimulatedClock(startNanoseconds: 100);
        Assert.Equal(100, clock.NowNanoseconds);
        clock.WaitUntil(1_000);
        Assert.Equal(1_000, clock.NowNanoseconds);
        clock.WaitUntil(500); // in the past: no change
        Assert.Equal(1_000, clock.NowNanoseconds);
        clock.Advance(250);
        clock.Advance(0);
        Assert.Equal(1_250, clock.NowNanoseconds);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedClock(-1));
    }
}
