namespace Control.ModelBased;

/// <summary>Settings of <see cref="ModelBasedLoop"/>.</summary>
public sealed record ModelBasedConfig
{
    /// <summary>Real env steps in total, random collection included. Default 2000.</summary>
    public int TotalSteps { get; init; } = 2000;

    /// <summary>Real env steps of uniformly random actions before the first fit. Default 200.</summary>
    public int RandomSteps { get; init; } = 200;

    /// <summary>Real env steps run with the controller between refits. Default 200.</summary>
    public int StepsPerIteration { get; init; } = 200;

    /// <summary>Open-loop steps of the multi-step prediction error. Default 10.</summary>
    public int MultiStepHorizon { get; init; } = 10;

    /// <summary>Seed of everything random in the loop (collection, fits, sampling planners). Default 0.</summary>
    public long Seed { get; init; }
}
