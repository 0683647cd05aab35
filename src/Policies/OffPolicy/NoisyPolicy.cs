using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;

namespace Control.Policies.OffPolicy;

/// <summary>
/// A deterministic continuous policy with Gaussian exploration, as DDPG and TD3 act while training: the squashed action
/// plus N(0, sigma^2) per dimension in units of the Box's half-range, clipped to the Box; its own seeded generator.
/// </summary>
public sealed class NoisyPolicy : IPolicy
{
    private readonly InferencePolicy policy;
    private readonly Box box;
    private readonly double sigma;
    private readonly Rng rng;

    /// <summary>Explores around <paramref name="policy"/>, whose action space must be a bounded Box.</summary>
    public NoisyPolicy(InferencePolicy policy, double sigma, long seed = 0)
    {
        this.policy = policy ?? throw new ArgumentNullException(nameof(policy));
        if (policy.ActionSpace is not Box b || !b.IsBounded)
            throw new ArgumentException($"NoisyPolicy: expected a policy over a bounded Box, got {policy.ActionSpace.Describe()}.");
        if (!(sigma >= 0 && double.IsFinite(sigma))) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "NoisyPolicy: expected a finite sigma >= 0");
        box = b;
        this.sigma = sigma;
        rng = new Rng(seed);
    }

    /// <inheritdoc />
    public int ObservationSize => policy.ObservationSize;

    /// <inheritdoc />
    public int ActionSize => policy.ActionSize;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        policy.Act(observation, action);
        for (int i = 0; i < action.Length; i++) action[i] += sigma * 0.5 * (box.High[i] - box.Low[i]) * rng.Normal();
        box.Clip(action);
    }

    /// <inheritdoc />
    public void Reset() { }
}
