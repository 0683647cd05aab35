namespace Control.Policies.OnPolicy;

/// <summary>Which surrogate PPO maximizes.</summary>
public enum PpoObjective
{
    /// <summary>The clipped surrogate L_CLIP.</summary>
    Clip,

    /// <summary>The KL-penalized surrogate with the adaptive beta of the lecture notes on TRPO and PPO.</summary>
    AdaptiveKl,
}
