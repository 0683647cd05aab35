namespace Control.Experiments;

/// <summary>Every step of a rollout.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Seed">Seed of the reset.</param>
/// <param name="InitialObservation">The observation after the reset (and the given state).</param>
/// <param name="Steps">The steps in order.</param>
/// <param name="Return">Sum of the rewards.</param>
public sealed record RolloutReport(string Env, long Seed, double[] InitialObservation, IReadOnlyList<RolloutStep> Steps, double Return)
{
    /// <summary>The last step terminated or truncated the episode.</summary>
    public bool Ended => Steps.Count > 0 && (Steps[^1].Terminated || Steps[^1].Truncated);
}
