namespace Control.Policies.OffPolicy;

/// <summary>
/// Checkpoint sections of the deterministic actor-critics (DDPG, TD3) beyond the common ones: the policy is the actor
/// (policy/*), the target critics are q/target, the actor's optimizer is "optimizer".
/// </summary>
public static class DeterministicActorCheckpoint
{
    /// <summary>The target actor.</summary>
    public const string TargetActorSection = "actor/target";

    /// <summary>The critic (or twin critics).</summary>
    public const string CriticSection = "q";

    /// <summary>The critics' optimizer.</summary>
    public const string CriticOptimizerSection = "optimizer/q";

    /// <summary>The exploration noise's state (the Ornstein-Uhlenbeck process; empty for Gaussian noise).</summary>
    public const string BehaviourSection = "behaviour";
}
