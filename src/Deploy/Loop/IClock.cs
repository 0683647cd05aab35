// The time source of the control loop. Time is a monotonic count of nanoseconds from an origin of the clock's
// choosing, so a tick's schedule is integer arithmetic (t0 + k * period) that never drifts. The real clock
// (SystemClock) waits on the machine's time; the simulated one (SimulatedClock) jumps, so that every timing rule of
// the loop is tested without wall-clock assertions.
namespace Control.Deploy.Loop;

/// <summary>A monotonic clock the control loop reads and waits on.</summary>
public interface IClock
{
    /// <summary>Nanoseconds since the clock's origin; never decreases.</summary>
    long NowNanoseconds { get; }

    /// <summary>Returns once <see cref="NowNanoseconds"/> has reached <paramref name="deadlineNanoseconds"/> (at once if it already has).</summary>
    void WaitUntil(long deadlineNanoseconds);
}
