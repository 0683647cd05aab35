using Control.Core;

namespace Control.Policies.Common;

/// <summary>
/// An <see cref="InferencePolicy"/> acting deterministically (its mode) or stochastically (sampling with its own
/// generator seeded with <c>seed</c>): the IPolicy that controllers and evaluations use for a trained stochastic policy.
/// </summary>
public sealed class PolicyActor : IPolicy
{
    private readonly InferencePolicy policy;
    private readonly bool deterministic;
    private readonly Rng rng;

    /// <summary>Acts with <paramref name="policy"/>.</summary>
    /// <exception cref="ArgumentException">Stochastic acting asked of a head with nothing to sample (no log-std, no logits).</exception>
    public PolicyActor(InferencePolicy policy, bool deterministic, long seed = 0)
    {
        this.policy = policy ?? throw new ArgumentNullException(nameof(policy));
        if (!deterministic && !policy.Head.CanSample)
            throw new ArgumentException($"PolicyActor: expected a policy that can sample to act stochastically, got {policy.Head.WithoutSampling}; act deterministically.");
        this.deterministic = deterministic;
        rng = new Rng(seed);
    }

    /// <summary>Acts with a snapshot of <paramref name="policy"/> and of <paramref name="filter"/>'s statistics (if any).</summary>
    public PolicyActor(StochasticPolicy policy, ObservationFilter? filter, bool deterministic, long seed = 0)
        : this((policy ?? throw new ArgumentNullException(nameof(policy))).ToInference(filter), deterministic, seed)
    {
    }

    /// <summary>The policy acted with.</summary>
    public InferencePolicy Policy => policy;

    /// <inheritdoc />
    public int ObservationSize => policy.ObservationSize;

    /// <inheritdoc />
    public int ActionSize => policy.ActionSize;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        if (deterministic) policy.Act(observation, action);
        else policy.Sample(observation, action, rng);
    }

    /// <inheritdoc />
    public void Reset() { }
}
