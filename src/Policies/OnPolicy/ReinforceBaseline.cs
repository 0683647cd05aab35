namespace Control.Policies.OnPolicy;

/// <summary>The baseline b subtracted from the reward-to-go (the list of the "Practical Deep Reinforcement Learning" notes).</summary>
public enum ReinforceBaseline
{
    /// <summary>No baseline: the weight is the reward-to-go itself.</summary>
    None,

    /// <summary>b = (1/N) sum_i R(tau_i), the batch's average (discounted) episode return.</summary>
    Constant,

    /// <summary>
    /// The notes' optimal constant in its scalar form: b = sum_i |g_i|^2 R(tau_i) / sum_i |g_i|^2 with
    /// g_i = grad log P(tau_i; theta) = sum_t grad log pi(a_{i,t} | s_{i,t}) over all policy parameters (one number
    /// for the whole batch, so the update stays a weighted max-likelihood; the per-parameter form would weight
    /// every parameter differently). It minimizes the variance of the whole-trajectory estimator, and is used here
    /// with reward-to-go weights.
    /// </summary>
    OptimalConstant,

    /// <summary>b_t = the average reward-to-go at step t over the batch's episodes that reached step t.</summary>
    TimeDependent,

    /// <summary>b(s_t) = V(s_t), a learned value network fitted after each batch by regression to the reward-to-go.</summary>
    StateValue,
}
