namespace Control.Deploy.Loop;

/// <summary>Ticks on which the watchdog replaced the policy's action by its fallback, by cause.</summary>
/// <param name="PolicyExceptions">The policy threw (from Reset or Act).</param>
/// <param name="PolicyOverruns">The policy returned, but took longer than the tick's deadline.</param>
/// <param name="NonFiniteObservations">The robot's observation held a NaN or infinity; the policy was not called.</param>
public readonly record struct WatchdogCounts(long PolicyExceptions, long PolicyOverruns, long NonFiniteObservations)
{
    /// <summary>All watchdog trips.</summary>
    public long Trips => PolicyExceptions + PolicyOverruns + NonFiniteObservations;
}
