// The objectives of the continuous actor-critics, as functions of networks and batch tensors so that tests can
// check every gradient against finite differences (float64 networks) and the learners share one definition.
//   critic           mean_i (Q(s_i, a_i) - y_i)^2, y held fixed;
//   soft target      y = r + gamma^k (1 - terminated) (min_j Q'_j(s', a') - alpha log pi(a' | s')), a' ~ pi(. | s')
//                    (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and Applications", with the clipped
//                    double-Q of Fujimoto et al. 2018);
//   smoothed target  y = r + gamma^k (1 - terminated) min_j Q'_j(s', clip(mu'(s') + clip(eps, -c, c), -1, 1)),
//                    eps ~ N(0, sigma^2) (TD3's target policy smoothing); one critic and no noise is DDPG's target;
//   soft actor       mean_i (alpha log pi(a_i | s_i) - min_j Q_j(s_i, a_i)), a_i = tanh(mean + std * eps) reparameterized;
//   temperature      -mean_i log alpha (log pi(a_i | s_i) + target entropy), log pi held fixed: alpha grows while the
//                    policy's entropy is below the target and shrinks above it (the log-alpha form of the authors'
//                    softlearning code and of Stable-Baselines3);
//   deterministic actor  -mean_i Q(s_i, mu(s_i)) (Silver et al. 2014's deterministic policy gradient, as in DDPG and TD3);
//   policy target    y = r + gamma^k (1 - terminated) Q'(s', a'), a' ~ pi(. | s'): the value of the current stochastic
//                    policy, no entropy term (SVG(0) of Heess et al. 2015, "Learning Continuous Control Policies by
//                    Stochastic Value Gradients");
//   stochastic value gradient  mean_i (c log pi(a_i | s_i) - Q(s_i, a_i)), a_i = pi(s_i, z_i; theta) reparameterized:
//                    SVG(0)'s actor, the gradient dQ/da da/dtheta through the sampled z, with a fixed entropy bonus c;
//   expected soft target  y = r + gamma^k (1 - terminated) sum_a' pi(a' | s') (min_j Q'_j(s', onehot(a')) - alpha log pi(a' | s'))
//                    over Discrete actions, exact rather than sampled (Christodoulou 2019, "Soft Actor-Critic for
//                    Discrete Action Settings"); alpha 0 leaves the policy's plain value;
//   Gumbel-softmax actor  mean_i (-min_j Q_j(s_i, y_i) - alpha H(pi(. | s_i))), y_i = softmax((logits_i + g_i) / tau),
//                    g ~ Gumbel(0, 1) (Jang et al. 2017, "Categorical Reparameterization with Gumbel-Softmax"), one-hot
//                    forward and the relaxed sample's gradient backward when straight-through;
//   discrete temperature  mean_i log alpha (H(pi(. | s_i)) - target entropy), H held fixed: the exact entropy in place
//                    of the sampled -log pi of the continuous temperature loss, so alpha grows while the policy's entropy
//                    is below the target and shrinks above it.
// Continuous actions here are normalized, in [-1, 1]^A (ActionScaling); Discrete ones enter the critic one-hot.
using Control.Core;
using Control.Tensors;
using Control.Tensors.Distributions;

namespace Control.Policies.OffPolicy;

/// <summary>The losses and TD targets of DDPG, TD3, SAC, SVG(0) and SVG(0) with Gumbel-softmax.</summary>
public static class ActorCriticLosses
{
    /// <summary>mean_i (q_i - y_i)^2 for q and y of shape (B, 1).</summary>
    public static Tensor Critic(Tensor q, Tensor targets)
    {
        if (!q.Shape.SequenceEqual(targets.Shape))
            throw new TensorException($"critic loss: expected Q values and targets of one shape, got {Tensor.Format(q.Shape)} and {Tensor.Format(targets.Shape)}.");
        return (q - targets).Square().Mean();
    }

    /// <summary>
    /// SAC's soft TD targets (B, 1), without gradient: <paramref name="rewards"/> (B, 1) plus <paramref name="bootstrap"/>
    /// (B, 1: gamma^k (1 - terminated)) times min_j Q'_j(s', a') - alpha log pi(a' | s'), a' drawn with <paramref name="rng"/>.
    /// </summary>
    public static Tensor SoftTargets(TanhGaussianActor actor, TwinQCritic targetCritic, Tensor nextObservations, Tensor rewards, Tensor bootstrap, double alpha, Rng rng)
    {
        using var noGrad = Autograd.NoGrad();
        (Tensor next, Tensor logProb) = actor.Sample(nextObservations, rng);
        Tensor soft = targetCritic.Min(nextObservations, next) - alpha * logProb.Unsqueeze(1);
        return (rewards + bootstrap * soft).Detach();
    }

    /// <summary>
    /// TD3's targets (B, 1), without gradient: the target actor's action at s' plus Gaussian noise of
    /// <paramref name="noise"/> clipped to +-<paramref name="noiseClip"/>, clipped to [-1, 1], valued by min_j Q'_j;
    /// with <paramref name="noise"/> 0 (no generator needed) and one critic (<paramref name="targetCritic2"/> null) this is DDPG's target.
    /// </summary>
    public static Tensor SmoothedTargets(DeterministicActor targetActor, QCritic targetCritic1, QCritic? targetCritic2, Tensor nextObservations,
        Tensor rewards, Tensor bootstrap, double noise, double noiseClip, Rng? rng)
    {
        using var noGrad = Autograd.NoGrad();
        Tensor next = targetActor.Forward(nextObservations);
        if (noise > 0)
        {
            ArgumentNullException.ThrowIfNull(rng);
            Tensor eps = (noise * Tensor.Normal(rng, next.DType, next.ShapeArray())).Clamp(-noiseClip, noiseClip);
            next = (next + eps).Clamp(-1, 1);
        }
        Tensor q = targetCritic1.Forward(nextObservations, next);
        if (targetCritic2 is not null) q = Tensor.Minimum(q, targetCritic2.Forward(nextObservations, next));
        return (rewards + bootstrap * q).Detach();
    }

    /// <summary>
    /// SAC's actor loss mean_i (alpha log pi(a_i | s_i) - min_j Q_j(s_i, a_i)) for a reparameterized sample
    /// (<paramref name="action"/> (B, A), <paramref name="logProb"/> (B)) of <see cref="TanhGaussianActor.Sample"/>.
    /// </summary>
    public static Tensor SoftActor(TwinQCritic critic, Tensor observations, Tensor action, Tensor logProb, double alpha)
        => (alpha * logProb.Unsqueeze(1) - critic.Min(observations, action)).Mean();

    /// <summary>-mean_i log alpha (log pi_i + target entropy) with the log-probabilities held fixed; <paramref name="logAlpha"/> has one element.</summary>
    public static Tensor Temperature(Tensor logAlpha, Tensor logProb, double targetEntropy)
        => (logAlpha * (logProb.Detach() + targetEntropy)).Mean().Neg();

    /// <summary>-mean_i Q(s_i, mu(s_i)).</summary>
    public static Tensor DeterministicActor(DeterministicActor actor, QCritic critic, Tensor observations)
        => critic.Forward(observations, actor.Forward(observations)).Mean().Neg();

    /// <summary>
    /// SVG(0)'s TD targets (B, 1), without gradient: <paramref name="rewards"/> (B, 1) plus <paramref name="bootstrap"/>
    /// (B, 1: gamma^k (1 - terminated)) times Q'(s', a'), a' drawn from the actor at s' with <paramref name="rng"/>.
    /// </summary>
    public static Tensor PolicyTargets(TanhGaussianActor actor, QCritic targetCritic, Tensor nextObservations, Tensor rewards, Tensor bootstrap, Rng rng)
    {
        using var noGrad = Autograd.NoGrad();
        Tensor next = actor.Distribution(nextObservations).RSample(rng);
        return (rewards + bootstrap * targetCritic.Forward(nextObservations, next)).Detach();
    }

    /// <summary>
    /// SVG(0)'s actor loss mean_i (c log pi(a_i | s_i) - Q(s_i, a_i)) for a reparameterized sample (<paramref name="action"/>
    /// (B, A), <paramref name="logProb"/> (B)) of <see cref="TanhGaussianActor.Sample"/>; c is <paramref name="entropyCoefficient"/>.
    /// </summary>
    public static Tensor StochasticValueGradient(QCritic critic, Tensor observations, Tensor action, Tensor logProb, double entropyCoefficient)
        => (entropyCoefficient * logProb.Unsqueeze(1) - critic.Forward(observations, action)).Mean();

    /// <summary>
    /// The soft TD targets (B, 1) of a Discrete actor-critic, without gradient: <paramref name="rewards"/> (B, 1) plus
    /// <paramref name="bootstrap"/> (B, 1) times sum_a' pi(a' | s') (min_j Q'_j(s', onehot(a')) - alpha log pi(a' | s'))
    /// under the actor's current policy.
    /// </summary>
    public static Tensor ExpectedTargets(CategoricalActor actor, TwinQCritic targetCritic, Tensor nextObservations, Tensor rewards, Tensor bootstrap, double alpha)
    {
        using var noGrad = Autograd.NoGrad();
        int b = nextObservations.Dim(0), k = actor.Actions;
        var policy = new Categorical(actor.Forward(nextObservations));
        var values = new Tensor[k];
        for (int a = 0; a < k; a++) values[a] = targetCritic.Min(nextObservations, CategoricalActor.OneHot(Enumerable.Repeat(a, b).ToArray(), k, nextObservations.DType));
        Tensor expected = (policy.Probs * (Tensor.Concat(values, 1) - alpha * policy.LogProbs)).Sum(1, keepDim: true);
        return (rewards + bootstrap * expected).Detach();
    }

    /// <summary>
    /// The Gumbel-softmax actor's loss mean_i (-min_j Q_j(s_i, y_i) - alpha H(pi(. | s_i))): y_i a relaxed one-hot sample
    /// of the actor's logits at <paramref name="temperature"/> (Gumbel noise from <paramref name="rng"/>), one-hot in
    /// value when <paramref name="straightThrough"/>; H the exact entropy of the categorical.
    /// </summary>
    public static Tensor GumbelSoftmaxActor(CategoricalActor actor, TwinQCritic critic, Tensor observations, double temperature, double alpha,
        Rng rng, bool straightThrough)
    {
        var relaxed = new RelaxedOneHotCategorical(actor.Forward(observations), temperature);
        Tensor y = relaxed.RSample(rng, straightThrough);
        return (critic.Min(observations, y).Neg() - alpha * relaxed.Discrete.Entropy().Unsqueeze(1)).Mean();
    }

    /// <summary>mean_i log alpha (H_i - target entropy) with the entropies <paramref name="entropy"/> (B) held fixed; <paramref name="logAlpha"/> has one element.</summary>
    public static Tensor DiscreteTemperature(Tensor logAlpha, Tensor entropy, double targetEntropy)
        => (logAlpha * (entropy.Detach() - targetEntropy)).Mean();
}
