using Control.Core;
using Control.Tensors;

namespace Control.Policies.OffPolicy;

/// <summary>SAC's behaviour: a sample of its stochastic tanh-Gaussian actor (the policy's own entropy explores).</summary>
public sealed class TanhGaussianBehaviour : ContinuousBehaviour
{
    private readonly TanhGaussianActor actor;
    private readonly int observationSize;

    /// <summary>Samples <paramref name="actor"/> (read at every step, so it follows training) with draws from <paramref name="rng"/>.</summary>
    public TanhGaussianBehaviour(TanhGaussianActor actor, ActionScaling scaling, int copies, long learningStarts, Rng rng)
        : base(scaling, (actor ?? throw new ArgumentNullException(nameof(actor))).ObservationSize, copies, learningStarts, rng)
    {
        this.actor = actor;
        observationSize = actor.ObservationSize;
    }

    /// <inheritdoc />
    protected override void Propose(ReadOnlySpan<float> inputs, Span<double> normalizedActions)
    {
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        Tensor x = Tensor.Zeros(Copies, observationSize);
        inputs.CopyTo(x.Span<float>());
        ReadOnlySpan<float> y = actor.Distribution(x).Sample(Rng).Span<float>();
        for (int i = 0; i < normalizedActions.Length; i++) normalizedActions[i] = y[i];
    }
}
