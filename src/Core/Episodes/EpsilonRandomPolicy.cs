using Control.Core.Envs;

namespace Control.Core.Episodes;

/// <summary>
/// Epsilon-random exploration around any policy: with probability epsilon a uniform action from the action space,
/// otherwise the wrapped policy's. The behaviour policy of logged datasets (a mediocre controller with noise); its
/// generator runs on across episodes (<see cref="Reset"/> resets the wrapped policy only).
/// </summary>
public sealed class EpsilonRandomPolicy : IPolicy
{
    private readonly IPolicy policy;
    private readonly Space actionSpace;
    private readonly Rng random;

    /// <summary>Explores around <paramref name="policy"/>, drawing random actions from <paramref name="actionSpace"/> with probability <paramref name="epsilon"/>.</summary>
    /// <exception cref="ArgumentException">Epsilon is outside [0, 1], or the policy's actions are not of the space's length.</exception>
    public EpsilonRandomPolicy(IPolicy policy, Space actionSpace, double epsilon, Rng random)
    {
        this.policy = policy ?? throw new ArgumentNullException(nameof(policy));
        this.actionSpace = actionSpace ?? throw new ArgumentNullException(nameof(actionSpace));
        this.random = random ?? throw new ArgumentNullException(nameof(random));
        if (!(epsilon >= 0 && epsilon <= 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "EpsilonRandomPolicy: expected epsilon in [0, 1]");
        if (policy.ActionSize != actionSpace.FlatSize)
            throw new ArgumentException($"EpsilonRandomPolicy: expected a policy with actions of {actionSpace.FlatSize} values ({actionSpace.Describe()}), got {policy.ActionSize}.", nameof(policy));
        Epsilon = epsilon;
    }

    /// <summary>Probability of a uniformly random action.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public int ObservationSize => policy.ObservationSize;

    /// <inheritdoc />
    public int ActionSize => policy.ActionSize;

    /// <inheritdoc />
    /// <remarks>
    /// The wrapped policy acts at every step (so one that carries state between steps sees every observation); then one
    /// uniform number is drawn, and when it falls below epsilon a random action replaces the policy's.
    /// </remarks>
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        policy.Act(observation, action);
        if (Epsilon > 0 && random.NextDouble() < Epsilon) actionSpace.Sample(random, action);
    }

    /// <inheritdoc />
    public void Reset() => policy.Reset();
}
