// A clock that moves only when told: waiting jumps to the deadline, and whoever models elapsed work (a slow policy,
// a slow robot link in a test) advances it explicitly. The control loop's schedule, deadlines and statistics are then
// exact numbers that tests can assert.
namespace Control.Deploy.Loop;

/// <summary>A clock whose time advances only by <see cref="WaitUntil"/> and <see cref="Advance"/>.</summary>
public sealed class SimulatedClock : IClock
{
    /// <summary>A clock that reads <paramref name="startNanoseconds"/> (default 0).</summary>
    public SimulatedClock(long startNanoseconds = 0)
    {
        if (startNanoseconds < 0)
            throw new ArgumentOutOfRangeException(nameof(startNanoseconds), startNanoseconds, "simulated clock: expected a start time of zero or more.");
        NowNanoseconds = startNanoseconds;
    }

    /// <inheritdoc />
    public long NowNanoseconds { get; private set; }

    /// <summary>Jumps to <paramref name="deadlineNanoseconds"/> if it lies ahead; a deadline in the past leaves the time as it is.</summary>
    public void WaitUntil(long deadlineNanoseconds)
    {
        if (deadlineNanoseconds > NowNanoseconds) NowNanoseconds = deadlineNanoseconds;
    }

    /// <summary>Moves time forward by <paramref name="nanoseconds"/>: the time some simulated work takes.</summary>
    public void Advance(long nanoseconds)
    {
        if (nanoseconds < 0)
            throw new ArgumentOutOfRangeException(nameof(nanoseconds), nanoseconds, "simulated clock: expected a step of zero or more nanoseconds; time does not run backwards.");
        NowNanoseconds += nanoseconds;
    }
}
