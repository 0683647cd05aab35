namespace Control.Deploy.Loop;

/// <summary>How many actions the <see cref="SafetyFilter"/> changed, by reason (an action can count under several).</summary>
/// <param name="NonFinite">Actions with a NaN or infinite element, replaced by the safe action.</param>
/// <param name="Invalid">Discrete actions that were not an integer in [0, n), replaced by the safe action.</param>
/// <param name="Clipped">Box actions with an element outside the bounds, clipped into them.</param>
/// <param name="RateLimited">Box actions with an element that changed faster than the rate limit, held to it.</param>
public readonly record struct SafetyFilterCounts(long NonFinite, long Invalid, long Clipped, long RateLimited);
