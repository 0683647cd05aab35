namespace Control.Policies.OffPolicy;

/// <summary>The noise a deterministic actor explores with.</summary>
public enum ExplorationNoise
{
    /// <summary>Independent Gaussian noise per step (<see cref="GaussianNoiseBehaviour"/>).</summary>
    Gaussian,

    /// <summary>Temporally correlated Ornstein-Uhlenbeck noise, restarted per episode (<see cref="OrnsteinUhlenbeckBehaviour"/>).</summary>
    OrnsteinUhlenbeck,
}
