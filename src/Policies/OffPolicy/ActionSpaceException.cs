using Control.Core.Envs;

namespace Control.Policies.OffPolicy;

/// <summary>
/// A learner was given an env whose action space it cannot act in: the continuous actor-critics (DDPG, TD3, SAC) squash
/// their actions onto a bounded Box with tanh, so a Discrete space, or a Box with an infinite bound, is refused.
/// </summary>
public sealed class ActionSpaceException : ArgumentException
{
    /// <summary>What <paramref name="algorithm"/> needs (<paramref name="expected"/>) and what <paramref name="env"/> has (<paramref name="actual"/>).</summary>
    public ActionSpaceException(string algorithm, string expected, Space actual, string env)
        : base($"{algorithm}: expected {expected}, got {actual.Describe()} on {env}.")
    {
        Algorithm = algorithm;
        Actual = actual;
    }

    /// <summary>The learner that refused the space.</summary>
    public string Algorithm { get; }

    /// <summary>The space that came.</summary>
    public Space Actual { get; }
}
