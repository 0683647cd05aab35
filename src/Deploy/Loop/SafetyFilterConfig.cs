namespace Control.Deploy.Loop;

/// <summary>
/// What the <see cref="SafetyFilter"/> enforces on every action before it reaches the robot. Non-finite actions are
/// always replaced by the safe action; the fields below add bounds and rate limits for Box action spaces (a Discrete
/// action is only checked for validity).
/// </summary>
public sealed record SafetyFilterConfig
{
    /// <summary>Clip each Box action element into the action space's bounds; default true.</summary>
    public bool ClipToBounds { get; init; } = true;

    /// <summary>
    /// Largest change of an action element from one written action to the next, in action units per tick: one value
    /// for every element or one per element, each positive; default null (no per-tick limit).
    /// </summary>
    public double[]? MaxChangePerTick { get; init; }

    /// <summary>
    /// Largest rate of change of an action element, in action units per second, turned into a per-tick limit with the
    /// loop's period; one value for every element or one per element, each positive; default null (no limit). With
    /// <see cref="MaxChangePerTick"/> as well, the tighter limit applies per element.
    /// </summary>
    public double[]? MaxChangePerSecond { get; init; }
}
