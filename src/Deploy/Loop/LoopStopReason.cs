namespace Control.Deploy.Loop;

/// <summary>Why a control loop run ended.</summary>
public enum LoopStopReason
{
    /// <summary><see cref="ControlLoopConfig.Ticks"/> ticks ran.</summary>
    TicksCompleted,

    /// <summary>The next tick would have started after <see cref="ControlLoopConfig.Duration"/>.</summary>
    DurationElapsed,

    /// <summary>The robot IO finished <see cref="ControlLoopConfig.Episodes"/> episodes.</summary>
    EpisodesCompleted,

    /// <summary>
    /// <see cref="ControlLoopConfig.MaxConsecutiveFaults"/> ticks in a row faulted: the policy is considered dead. The
    /// last tick still wrote the watchdog's fallback action, so the robot's last command is a safe one.
    /// </summary>
    ConsecutiveFaults,

    /// <summary>The run's cancellation token was cancelled (checked before each tick).</summary>
    Cancelled,
}
