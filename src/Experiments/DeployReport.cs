namespace Control.Experiments;

/// <summary>What `control run` measured.</summary>
/// <param name="Policy">The .onnx file.</param>
/// <param name="Env">The env it ran on.</param>
/// <param name="Algorithm">The algorithm that trained it (from the file's metadata).</param>
/// <param name="StopReason">Why the loop stopped: EpisodesCompleted when every requested episode ran; ConsecutiveFaults when the watchdog gave up.</param>
/// <param name="LastPolicyError">The last exception the policy threw, if any.</param>
/// <param name="Episodes">Episodes completed.</param>
/// <param name="MeanReturn">Mean return; null when no episode completed.</param>
/// <param name="StdReturn">Population standard deviation of the returns (as `control eval`); null when no episode completed.</param>
/// <param name="Returns">Every episode's return, in order.</param>
/// <param name="RateHz">The loop's rate.</param>
/// <param name="Ticks">Ticks run.</param>
/// <param name="TickUsP50">Median time of a tick's work (read, policy, safety filter, write), microseconds.</param>
/// <param name="TickUsP99">Its 99th percentile.</param>
/// <param name="TickUsMax">Its maximum.</param>
/// <param name="PolicyUsP50">Median time of the policy alone (ONNX Runtime), microseconds.</param>
/// <param name="PolicyUsP99">Its 99th percentile.</param>
/// <param name="JitterUsP50">Median lateness of a tick's start against its schedule, microseconds.</param>
/// <param name="JitterUsP99">Its 99th percentile.</param>
/// <param name="DeadlineMisses">Ticks whose action was written after the deadline.</param>
/// <param name="SkippedTicks">Schedule slots skipped after a late tick.</param>
/// <param name="WatchdogTrips">Ticks on which the watchdog applied the fallback action.</param>
/// <param name="ClippedActions">Actions the safety filter clipped to the bounds.</param>
/// <param name="SimulatedClock">Whether the run used a simulated clock (no waiting and no timing: every timing figure is 0).</param>
/// <param name="ElapsedSeconds">Clock time of the run.</param>
public sealed record DeployReport(string Policy, string Env, string? Algorithm, string StopReason, string? LastPolicyError, int Episodes, double? MeanReturn,
    double? StdReturn, IReadOnlyList<double> Returns,
    double RateHz, int Ticks, double TickUsP50, double TickUsP99, double TickUsMax, double PolicyUsP50, double PolicyUsP99, double JitterUsP50, double JitterUsP99,
    long DeadlineMisses, long SkippedTicks, long WatchdogTrips, long ClippedActions, bool SimulatedClock, double ElapsedSeconds);
