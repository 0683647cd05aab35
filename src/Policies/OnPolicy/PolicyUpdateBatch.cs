using Control.Policies.Common;
using Control.Tensors;

namespace Control.Policies.OnPolicy;

/// <summary>
/// One rollout's policy-update problem: observations, actions, log pi_old(a|s) and advantages, and a frozen copy of
/// pi_old; evaluates the surrogate and the mean KL at the policy's current parameters. Create and use it inside one
/// <see cref="TensorScope"/>.
/// </summary>
public sealed class PolicyUpdateBatch
{
    private readonly StochasticPolicy policy;
    private readonly Tensor observations;
    private readonly Tensor actions;
    private readonly Tensor oldLogProbs;
    private readonly Tensor advantages;
    private readonly IActionDistribution old;

    /// <summary>
    /// The problem at the policy's current parameters theta_old: <paramref name="observations"/> (B, O),
    /// <paramref name="actions"/> (B, ActionSize), <paramref name="oldLogProbs"/> and <paramref name="advantages"/> (B,).
    /// </summary>
    public PolicyUpdateBatch(StochasticPolicy policy, Tensor observations, Tensor actions, Tensor oldLogProbs, Tensor advantages)
    {
        this.policy = policy ?? throw new ArgumentNullException(nameof(policy));
        int rows = observations.Dim(0);
        if (actions.Dim(0) != rows || oldLogProbs.Rank != 1 || oldLogProbs.Dim(0) != rows || advantages.Rank != 1 || advantages.Dim(0) != rows)
        {
            throw new ArgumentException($"PolicyUpdateBatch: expected {rows} actions, log-probabilities and advantages, got shapes {Tensor.Format(actions.Shape)}, "
                + $"{Tensor.Format(oldLogProbs.Shape)} and {Tensor.Format(advantages.Shape)}.");
        }
        this.observations = observations;
        this.actions = actions;
        this.oldLogProbs = oldLogProbs;
        this.advantages = advantages;
        using (Autograd.NoGrad()) old = Freeze(policy.Distribution(observations));
    }

    /// <summary>L(theta) = mean(exp(log pi_theta - log pi_old) A), on the tape.</summary>
    public Tensor Surrogate() => ((policy.Distribution(observations).LogProb(actions) - oldLogProbs).Exp() * advantages).Mean();

    /// <summary>Mean over states of KL(pi_old || pi_theta), on the tape.</summary>
    public Tensor MeanKl() => old.Kl(policy.Distribution(observations)).Mean();

    /// <summary>g = dL/dtheta at the current parameters, flat.</summary>
    public double[] SurrogateGradient() => NaturalGradient.FlatGradient(Surrogate(), policy);

    /// <summary>
    /// (F + damping I) v, with F the Hessian of the mean KL(pi_old || pi_theta) at the current theta: the Fisher matrix when
    /// theta = theta_old. <paramref name="damping"/> keeps F + damping I positive definite for conjugate gradient.
    /// </summary>
    public double[] FisherVectorProduct(double[] v, double damping)
    {
        IReadOnlyList<Tensor> parameters = policy.Parameters();
        Tensor[] hv = Autograd.HessianVectorProduct(MeanKl, parameters, NaturalGradient.Split(v, parameters));
        double[] result = NaturalGradient.Flatten(hv, v.Length);
        for (int i = 0; i < result.Length; i++) result[i] += damping * v[i];
        return result;
    }

    /// <summary>The surrogate and the mean KL at the current parameters, without recording.</summary>
    public (double Surrogate, double Kl) Evaluate()
    {
        using var noGrad = Autograd.NoGrad();
        return (Surrogate().Item(), MeanKl().Item());
    }

    /// <summary>Mean entropy of pi_old.</summary>
    public double OldEntropy()
    {
        using var noGrad = Autograd.NoGrad();
        return old.Entropy().Mean().Item();
    }

    // A copy of pi_old that no later parameter change reaches (a state-independent log-std is the parameter itself).
    private static IActionDistribution Freeze(IActionDistribution d) => d switch
    {
        CategoricalActions c => new CategoricalActions(c.Distribution.Logits.Keep()),
        GaussianActions g => new GaussianActions(g.Distribution.Mean.Keep(), g.Distribution.LogStd.Keep()),
        _ => throw new ArgumentException($"PolicyUpdateBatch: expected a categorical or Gaussian policy, got {d.GetType().Name}."),
    };
}
