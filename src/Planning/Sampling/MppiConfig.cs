namespace Control.Planning.Sampling;

/// <summary>Settings of <see cref="Mppi"/>. The defaults swing up "pendulum" and "cartpole-swingup" under MPC.</summary>
public sealed record MppiConfig
{
    /// <summary>H, steps planned ahead. Default 30.</summary>
    public int Horizon { get; init; } = 30;

    /// <summary>K, perturbed sequences per iteration. Default 1000.</summary>
    public int Samples { get; init; } = 1000;

    /// <summary>lambda, the temperature of the weights in cost units: smaller picks the best samples more sharply. Default 0.01.</summary>
    public double Temperature { get; init; } = 0.01;

    /// <summary>Noise standard deviation per control (the diagonal of Sigma's square root, m entries); null: <see cref="NoiseStdFraction"/> times each bound range. Default null.</summary>
    public double[]? NoiseStd { get; init; }

    /// <summary>Noise standard deviation as a fraction of each control's range (high - low), when <see cref="NoiseStd"/> is null. Default 0.05 (the mean carries the swing from replan to replan; wide noise makes the held pole jitter).</summary>
    public double NoiseStdFraction { get; init; } = 0.05;

    /// <summary>beta of the noise's 1/f^beta power spectrum along time (0: white noise, as in Williams et al. 2017; see <see cref="ColoredNoise"/>). Default 2.</summary>
    public double NoiseExponent { get; init; } = 2.0;

    /// <summary>gamma / lambda, the weight of the control cost u^T Sigma^-1 eps (1: Williams et al. 2017; 0: none). Default 1.</summary>
    public double ControlCostWeight { get; init; } = 1.0;

    /// <summary>Sample-and-update iterations per plan. Default 1.</summary>
    public int Iterations { get; init; } = 1;

    /// <summary>Width (odd, in steps) of the moving average applied over time to each update of the mean (1: none). Default 1.</summary>
    public int SmoothingWindow { get; init; } = 1;

    /// <summary>Threads for the rollouts: 0 automatic, otherwise the count. Results do not depend on it. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Seed of the sampling noise. Default 0.</summary>
    public long Seed { get; init; }
}
