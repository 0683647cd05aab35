// Tanh-squashed Gaussian (SAC's policy): a = tanh(u), u ~ N(mean, std^2), with the log-determinant correction.
using Control.Core;

namespace Control.Tensors.Distributions;

/// <summary>
/// The distribution of tanh(u) for u ~ <see cref="DiagGaussian"/>; actions lie in (-1, 1). Its log density is
/// log N(u) - sum log(1 - tanh(u)^2), computed as log N(u) - sum 2 (log 2 - u - softplus(-2u)) for stability.
/// </summary>
public sealed class TanhGaussian(Tensor mean, Tensor logStd)
{
    /// <summary>The Gaussian before squashing.</summary>
    public DiagGaussian Base { get; } = new(mean, logStd);

    /// <summary>A reparameterized action tanh(mean + std * eps).</summary>
    public Tensor RSample(Rng rng) => Base.RSample(rng).Tanh();

    /// <summary>A reparameterized action and its log-probability, computed from the pre-squash value (no atanh).</summary>
    public (Tensor Action, Tensor LogProb) RSampleWithLogProb(Rng rng)
    {
        Tensor u = Base.RSample(rng);
        return (u.Tanh(), Base.LogProb(u) - LogDetJacobian(u));
    }

    /// <summary>An action without gradient.</summary>
    public Tensor Sample(Rng rng)
    {
        using (Autograd.NoGrad()) return RSample(rng).Detach();
    }

    /// <summary>Log density of actions in (-1, 1) (clamped 1e-6 inside the bounds before atanh).</summary>
    public Tensor LogProb(Tensor action)
    {
        Tensor a = action.Clamp(-1 + 1e-6, 1 - 1e-6);
        Tensor u = 0.5 * ((1.0 + a).Log() - (1.0 - a).Log());
        return Base.LogProb(u) - LogDetJacobian(u);
    }

    /// <summary>
    /// Entropy has no closed form under tanh: this is the Monte Carlo estimate -mean(log p(a)) over
    /// <paramref name="samples"/> reparameterized samples (differentiable).
    /// </summary>
    public Tensor Entropy(Rng rng, int samples = 16)
    {
        if (samples <= 0) throw new ArgumentOutOfRangeException(nameof(samples), samples, "expected at least one sample");
        Tensor total = RSampleWithLogProb(rng).LogProb;
        for (int i = 1; i < samples; i++) total = total + RSampleWithLogProb(rng).LogProb;
        return (total / samples).Neg();
    }

    /// <summary>KL(this || other): the same bijection maps both, so it equals the KL of the base Gaussians.</summary>
    public Tensor Kl(TanhGaussian other) => Base.Kl(other.Base);

    // sum over the event axis of log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u)).
    private static Tensor LogDetJacobian(Tensor u) => (2.0 * (Math.Log(2) - u - (u * -2.0).Softplus())).Sum(-1);
}
