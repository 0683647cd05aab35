namespace Control.Dynamics.Residuals;

/// <summary>
/// A residual that can give its Jacobians in closed form, so <see cref="ResidualCost"/> need not take finite
/// differences. Thread-safe like <see cref="IResidual.Evaluate"/>.
/// </summary>
public interface IResidualJacobian : IResidual
{
    /// <summary>
    /// Writes Rx = dr/dx (k x nt, row-major, nt the state space's tangent size) and Ru = dr/du (k x m, row-major),
    /// or returns false when this residual has no closed form at this state space (the caller then differentiates
    /// numerically and ignores what was written).
    /// </summary>
    bool TryJacobians(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> rx, Span<double> ru);
}
