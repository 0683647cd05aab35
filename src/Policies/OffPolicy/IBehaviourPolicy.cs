namespace Control.Policies.OffPolicy;

/// <summary>
/// The behaviour policy of off-policy collection: the actions <see cref="OffPolicyCollector"/> takes at each
/// vector-env step. DQN explores epsilon-greedily around argmax_a Q(s, a) (<see cref="EpsilonGreedyBehaviour"/>);
/// DDPG and TD3 add Gaussian or Ornstein-Uhlenbeck noise to their actor; SAC samples its stochastic policy.
/// </summary>
public interface IBehaviourPolicy
{
    /// <summary>
    /// Writes the actions of every copy into <paramref name="actions"/> (copies x action size, row-major; a Discrete
    /// action is its index) for the current observations as network inputs, <paramref name="inputs"/> (copies x
    /// <see cref="QInputs.Size"/>). <paramref name="envSteps"/> counts the env steps taken so far (over all copies),
    /// for schedules such as epsilon's and for uniformly random actions before learning starts.
    /// </summary>
    void Act(ReadOnlySpan<float> inputs, long envSteps, Span<double> actions);

    /// <summary>
    /// Copy <paramref name="copy"/>'s episode ended with the last step (the vector env has reset it): behaviours with a
    /// state per episode, such as Ornstein-Uhlenbeck noise, restart it. Nothing by default.
    /// </summary>
    void EpisodeEnded(int copy) { }
}
