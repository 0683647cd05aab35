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

    /// <summary>
    /// a_i = the level of the largest of action i's K outputs (logits over K fixed levels of each action value, as a
    /// behaviour-cloning fit by cross-entropy makes them): a mode of the expert's actions rather than their mean.
    /// </summary>
    Binned,
}
