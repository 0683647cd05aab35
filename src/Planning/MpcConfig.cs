namespace Control.Planning;

/// <summary>Settings of <see cref="MpcController"/>.</summary>
public sealed record MpcConfig
{
    /// <summary>Steps between replans (1: replan at every step). Default 1.</summary>
    public int ReplanEvery { get; init; } = 1;

    /// <summary>Start each replan from the previous plan shifted in time (false: from the planner's cold start). Default true.</summary>
    public bool WarmStart { get; init; } = true;

    /// <summary>Between replans, correct the planned control with the plan's feedback gains when it has them. Default true.</summary>
    public bool UseFeedback { get; init; } = true;

    /// <summary>
    /// Replans whose time and iterations the controller keeps (the most recent; the oldest half is dropped when twice
    /// as many are held), so that a controller running for days holds bounded memory. Default 10,000.
    /// </summary>
    public int StatisticsWindow { get; init; } = 10_000;
}
