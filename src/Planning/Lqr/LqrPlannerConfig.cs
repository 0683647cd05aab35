namespace Control.Planning.Lqr;

/// <summary>Settings of <see cref="LqrPlanner"/>.</summary>
public sealed record LqrPlannerConfig
{
    /// <summary>H: steps planned. Default 50.</summary>
    public int Horizon { get; init; } = 50;

    /// <summary>
    /// First ridge added to Luu (scaled by max(1, max|Luu|)) when Luu, or a step's R + B'PB, is not positive
    /// definite; it grows tenfold until the backward pass succeeds. Default 1e-6.
    /// </summary>
    public double Ridge { get; init; } = 1e-6;

    /// <summary>Tenfold ridge increases tried before giving up with an <see cref="LqrException"/>. Default 12.</summary>
    public int MaxRidgeIncreases { get; init; } = 12;
}
