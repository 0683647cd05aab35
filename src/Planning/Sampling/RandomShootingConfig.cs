namespace Control.Planning.Sampling;

/// <summary>Settings of <see cref="RandomShooting"/>.</summary>
public sealed record RandomShootingConfig
{
    /// <summary>H, steps planned ahead. Default 30.</summary>
    public int Horizon { get; init; } = 30;

    /// <summary>Uniform control sequences drawn per plan. Default 1000.</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>Let the shifted previous plan compete as sample 0. Default true.</summary>
    public bool KeepPrevious { get; init; } = true;

    /// <summary>Threads for the rollouts: 0 automatic, otherwise the count. Results do not depend on it. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Seed of the sampling. Default 0.</summary>
    public long Seed { get; init; }
}
