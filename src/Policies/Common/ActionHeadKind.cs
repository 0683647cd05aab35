namespace Control.Policies.Common;

/// <summary>How an inference policy turns its network's outputs into an action.</summary>
public enum ActionHeadKind
{
    /// <summary>a = argmax over the outputs (Q values, or the logits of a categorical policy); a Discrete action.</summary>
    Argmax,
    /// <summary>a = the mean, the first A outputs (a diagonal Gaussian policy; the log-std samples).</summary>
    GaussianMean,
    /// <summary>a = scale * tanh(u) + bias on the first A outputs u (squashed actors, as SAC's and TD3's).</summary>
    TanhSquash,
    /// <summary>a = the outputs as they are (a deterministic actor without squashing).</summary>
    Deterministic,
}
