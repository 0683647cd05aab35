using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Epsilon-greedy exploration around a greedy <see cref="InferencePolicy"/> (argmax_a Q(s, a)): with probability
/// epsilon a uniformly random action (its own seeded generator), otherwise the greedy one.
/// </summary>
public sealed class QPolicy : IPolicy
{
    private readonly InferencePolicy greedy;
    private readonly int actions;
    private readonly double epsilon;
    private readonly Rng rng;

    /// <summary>Explores around <paramref name="greedy"/>, whose action space must be Discrete.</summary>
    public QPolicy(InferencePolicy greedy, double epsilon = 0, long seed = 0)
    {
        this.greedy = greedy ?? throw new ArgumentNullException(nameof(greedy));
        if (greedy.ActionSpace is not Discrete discrete)
            throw new ArgumentException($"QPolicy: expected a policy over a Discrete action space, got {greedy.ActionSpace.Describe()}.");
        if (!(epsilon >= 0 && epsilon <= 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "QPolicy: expected epsilon in [0, 1]");
        actions = discrete.N;
        this.epsilon = epsilon;
        rng = new Rng(seed);
    }

    /// <summary>Explores around a snapshot of <paramref name="network"/> acting on observations of <paramref name="observationSpace"/>.</summary>
    public QPolicy(QNetwork network, Space observationSpace, double epsilon = 0, long seed = 0)
        : this((network ?? throw new ArgumentNullException(nameof(network))).ToInference(observationSpace), epsilon, seed)
    {
    }

    /// <summary>The greedy policy.</summary>
    public InferencePolicy Greedy => greedy;

    /// <inheritdoc />
    public int ObservationSize => greedy.ObservationSize;

    /// <inheritdoc />
    public int ActionSize => 1;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        if (observation.Length != ObservationSize || action.Length != 1)
            throw new PolicyInputException($"QPolicy: expected an observation of {ObservationSize} and an action buffer of 1, got {observation.Length} and {action.Length}.");
        if (epsilon > 0 && rng.NextDouble() < epsilon)
        {
            action[0] = rng.NextInt(actions);
            return;
        }
        greedy.Act(observation, action);
    }

    /// <inheritdoc />
    public void Reset() { }
}
