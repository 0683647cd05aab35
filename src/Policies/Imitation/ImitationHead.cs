namespace Control.Policies.Imitation;

/// <summary>The action head behaviour cloning fits on a Box action space (a Discrete space always gets a categorical head).</summary>
public enum ImitationHead
{
    /// <summary>a = the network's outputs (clipped to the Box), fitted by least squares: the mean of the expert's action.</summary>
    Deterministic,

    /// <summary>
    /// A diagonal Gaussian with a learned log-std vector, fitted by maximum likelihood: the mean acts, the log-std measures
    /// how far the expert's actions scatter around it (and lets the policy sample).
    /// </summary>
    Gaussian,

    /// <summary>
    /// Each action value takes one of fixed levels (<see cref="BehaviourCloningConfig.Levels"/>), chosen by logits fitted
    /// by cross-entropy to the expert's actions rounded to the nearest level; the largest acts. Where the expert's actions
    /// near a state go two ways (left or right round an obstacle, a swing pumped either way), least squares fits their mean,
    /// which does neither; this head commits to the more frequent one.
    /// </summary>
    Binned,
}
