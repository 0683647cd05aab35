namespace Control.Policies.Common;

/// <summary>How a Gaussian policy represents its log standard deviation.</summary>
public enum LogStdMode
{
    /// <summary>One learned vector, independent of the state (PPO, TRPO).</summary>
    StateIndependent,

    /// <summary>A second output head of the network (clamped to [-20, 2]).</summary>
    StateDependent,
}
