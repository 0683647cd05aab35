using Control.Core;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Exploration around a deterministic actor with independent Gaussian noise, y = mu(s) + sigma * N(0, I) in the
/// normalized action space (Fujimoto et al. 2018 found it as good as correlated noise, and TD3 uses sigma = 0.1).
/// </summary>
public sealed class GaussianNoiseBehaviour : ContinuousBehaviour
{
    private readonly DeterministicActor actor;

    /// <summary>Noise of standard deviation <paramref name="sigma"/> (a fraction of the Box's half-range) around <paramref name="actor"/>.</summary>
    public GaussianNoiseBehaviour(DeterministicActor actor, double sigma, ActionScaling scaling, int copies, long learningStarts, Rng rng)
        : base(scaling, (actor ?? throw new ArgumentNullException(nameof(actor))).ObservationSize, copies, learningStarts, rng)
    {
        if (!(sigma >= 0 && double.IsFinite(sigma))) throw new ArgumentException($"GaussianNoiseBehaviour: expected a finite sigma >= 0, got {sigma}.");
        this.actor = actor;
        Sigma = sigma;
    }

    /// <summary>Standard deviation of the noise in the normalized space.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    protected override void Propose(ReadOnlySpan<float> inputs, Span<double> normalizedActions)
    {
        ForwardActor(actor, inputs, normalizedActions);
        for (int i = 0; i < normalizedActions.Length; i++) normalizedActions[i] += Sigma * Rng.Normal();
    }
}
