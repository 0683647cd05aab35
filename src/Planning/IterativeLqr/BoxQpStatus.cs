namespace Control.Planning.IterativeLqr;

/// <summary>Outcome of <see cref="BoxQp.Solve"/>.</summary>
public enum BoxQpStatus
{
    /// <summary>The Hessian restricted to the free set is not positive definite.</summary>
    HessianNotPositiveDefinite = -1,

    /// <summary>Iteration budget used without meeting the tolerance (the solution is still feasible and improved).</summary>
    MaxIterations = 0,

    /// <summary>The projected gradient is below tolerance.</summary>
    Converged = 1,

    /// <summary>Every variable is at a bound with the gradient pushing outward.</summary>
    AllClamped = 2,
}
