namespace Control.ModelBased;

/// <summary>Settings of <see cref="PetsCem"/>; defaults are sized for two CPU cores (PETS used 500 x 20 on a GPU).</summary>
public sealed record PetsCemConfig
{
    /// <summary>H, steps planned ahead. Default 25.</summary>
    public int Horizon { get; init; } = 25;

    /// <summary>Candidate sequences per iteration. Default 100.</summary>
    public int Population { get; init; } = 100;

    /// <summary>Candidates refitted to. Default 10.</summary>
    public int Elites { get; init; } = 10;

    /// <summary>CEM iterations per plan. Default 3.</summary>
    public int Iterations { get; init; } = 3;

    /// <summary>Particles per candidate. Default 10.</summary>
    public int Particles { get; init; } = 10;

    /// <summary>Member choice of the particles. Default TS-infinity.</summary>
    public TrajectorySampling Propagation { get; init; } = TrajectorySampling.TSInfinity;

    /// <summary>Initial standard deviation as a fraction of each control's range. Default 0.5.</summary>
    public double InitialStdFraction { get; init; } = 0.5;

    /// <summary>Weight of the previous mean and std when refitting. Default 0.1.</summary>
    public double Smoothing { get; init; } = 0.1;

    /// <summary>Seed of the sampling. Default 0.</summary>
    public long Seed { get; init; }
}
