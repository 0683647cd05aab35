namespace Control.Policies.Common;

/// <summary>
/// An algorithm that acts by optimizing at every step (QT-Opt maximizes its critic by the cross-entropy method) has no
/// network-plus-head <see cref="InferencePolicy"/> to export or to store under the policy/* sections; the message says
/// why and what to do instead.
/// </summary>
public sealed class NoInferencePolicyException(string algorithm, string reason)
    : NotSupportedException($"{algorithm} has no inference policy to export: {reason}")
{
    /// <summary>The algorithm's name.</summary>
    public string Algorithm { get; } = algorithm;

    /// <summary>Why, and what to do instead.</summary>
    public string Reason { get; } = reason;
}
