namespace Control.Dynamics.Residuals;

/// <summary>Settings of <see cref="ResidualCost"/>.</summary>
public sealed record ResidualCostConfig
{
    /// <summary>Name used in messages. Default "residual cost".</summary>
    public string Name { get; init; } = "residual cost";

    /// <summary>
    /// Step h of the central differences (r(x ⊕ h e_j) - r(x ⊕ -h e_j)) / 2h and likewise in u that give Rx and Ru
    /// when the residual has no closed-form Jacobian. Default 1e-6 (truncation ~h^2, rounding ~1e-16 / h).
    /// </summary>
    public double FiniteDifferenceStep { get; init; } = 1e-6;
}
