namespace Control.Planning.Lqr;

/// <summary>Settings of <see cref="InfiniteHorizonLqr.Solve"/>.</summary>
public sealed record DareConfig
{
    /// <summary>Iterations stop when ||P_{k+1} - P_k||_F &lt;= Tolerance ||P_{k+1}||_F. Default 1e-14.</summary>
    public double Tolerance { get; init; } = 1e-14;

    /// <summary>Doubling steps before giving up on SDA (each squares the closed-loop contraction). Default 60.</summary>
    public int MaxDoublingIterations { get; init; } = 60;

    /// <summary>Riccati-iteration steps of the fallback (linear convergence). Default 100000.</summary>
    public int MaxRiccatiIterations { get; init; } = 100_000;

    /// <summary>A PBH matrix with sigma_min &lt;= RankTolerance * sigma_max counts as rank deficient. Default 1e-9.</summary>
    public double RankTolerance { get; init; } = 1e-9;
}
