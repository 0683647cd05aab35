namespace Control.Policies.OnPolicy;

/// <summary>One sampled episode: observations as the policy saw them, actions, rewards.</summary>
/// <param name="Observations">T x ObservationSize values.</param>
/// <param name="Actions">T x ActionSize values.</param>
/// <param name="Rewards">T rewards.</param>
/// <param name="Return">The undiscounted return as the env reported it.</param>
public sealed record SampledEpisode(float[] Observations, float[] Actions, double[] Rewards, double Return)
{
    /// <summary>Steps T.</summary>
    public int Length => Rewards.Length;
}
