// Typed errors of the LQR solvers and the input checks that raise them. A bad matrix (wrong shape, NaN,
// not symmetric, not semidefinite) is an LqrInputException naming the matrix; a well-formed problem without
// a solution (not stabilizable, not detectable, no convex step) is an LqrException saying which.
namespace Control.Planning.Lqr;

/// <summary>Why an LQR problem has no (stabilizing) solution.</summary>
public enum LqrFailure
{
    /// <summary>(A, B) is not stabilizable: a mode with |lambda| &gt;= 1 cannot be moved by the control.</summary>
    NotStabilizable,

    /// <summary>(A, Q) is not detectable: a mode with |lambda| &gt;= 1 is invisible to the state cost.</summary>
    NotDetectable,

    /// <summary>The Riccati iterations found no solution that makes A - B K stable (an ill-conditioned or borderline problem).</summary>
    NoStabilizingSolution,

    /// <summary>R + B' P B is not positive definite at some step: the problem is not convex in the controls there.</summary>
    ControlHessianNotPositiveDefinite,
}
