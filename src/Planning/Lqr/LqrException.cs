namespace Control.Planning.Lqr;

/// <summary>A well-formed LQR problem that has no solution of the kind asked for; <see cref="Failure"/> says why.</summary>
public sealed class LqrException(LqrFailure failure, string message) : PlanningException(message)
{
    /// <summary>The cause.</summary>
    public LqrFailure Failure { get; } = failure;
}
