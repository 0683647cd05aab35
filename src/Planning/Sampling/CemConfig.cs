namespace Control.Planning.Sampling;

/// <summary>Settings of <see cref="Cem"/>. The defaults swing up "pendulum" and "cartpole-swingup" under MPC.</summary>
public sealed record CemConfig
{
    /// <summary>H, steps planned ahead. Default 30.</summary>
    public int Horizon { get; init; } = 30;

    /// <summary>Control sequences sampled per iteration. Default 400.</summary>
    public int Population { get; init; } = 400;

    /// <summary>Fraction of the population refitted to, when <see cref="EliteCount"/> is not set. Default 0.1.</summary>
    public double EliteFraction { get; init; } = 0.1;

    /// <summary>Number of elites; overrides <see cref="EliteFraction"/> when set. Default null.</summary>
    public int? EliteCount { get; init; }

    /// <summary>Sample-and-refit iterations per plan. Default 5.</summary>
    public int Iterations { get; init; } = 5;

    /// <summary>Initial standard deviation per control (m entries); null: <see cref="InitialStdFraction"/> times each bound range. Default null.</summary>
    public double[]? InitialStd { get; init; }

    /// <summary>Initial standard deviation as a fraction of each control's range (high - low), when <see cref="InitialStd"/> is null. Default 0.25 (with colored noise, wider noise makes the held pole jitter).</summary>
    public double InitialStdFraction { get; init; } = 0.25;

    /// <summary>beta of the sampling noise's 1/f^beta power spectrum along time (0: white noise; see <see cref="ColoredNoise"/>). Default 2, as in iCEM.</summary>
    public double NoiseExponent { get; init; } = 2.0;

    /// <summary>Fraction of the elites kept into the next iteration's population and, shifted, into the next replan's first one (0: none). Default 0.3, as in iCEM.</summary>
    public double KeptEliteFraction { get; init; } = 0.3;

    /// <summary>Floor on the standard deviation, as a fraction of the initial one. Default 0.05.</summary>
    public double MinStdFraction { get; init; } = 0.05;

    /// <summary>Weight of the previous mean and standard deviation when refitting (0: take the elites' statistics as they are). Default 0.1.</summary>
    public double Smoothing { get; init; } = 0.1;

    /// <summary>Threads for the rollouts: 0 automatic, otherwise the count. Results do not depend on it. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Seed of the sampling noise. Default 0.</summary>
    public long Seed { get; init; }
}
