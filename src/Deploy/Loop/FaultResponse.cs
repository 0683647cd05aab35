namespace Control.Deploy.Loop;

/// <summary>What the watchdog writes on a tick whose policy failed (threw, overran its deadline, or met a non-finite observation).</summary>
public enum FaultResponse
{
    /// <summary>The last action written (the safe action if none was written yet): the robot keeps doing what it did.</summary>
    HoldLastAction,

    /// <summary>The configured safe action (<see cref="ControlLoopConfig.SafeAction"/>).</summary>
    ApplySafeAction,
}
