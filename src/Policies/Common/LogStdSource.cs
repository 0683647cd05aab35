namespace Control.Policies.Common;

/// <summary>Where a Gaussian head's log standard deviation comes from (for sampling only; acting takes the mean).</summary>
public enum LogStdSource
{
    /// <summary>No log-std: the head cannot sample.</summary>
    None,
    /// <summary>One stored vector, the same for every state.</summary>
    Vector,
    /// <summary>The network's outputs A..2A-1, clamped to [<see cref="ActionHead.MinLogStd"/>, <see cref="ActionHead.MaxLogStd"/>].</summary>
    Outputs,
}
