using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;

namespace Control.Policies.OffPolicy;

/// <summary>
/// pi(s) = argmax_a Q(s, a) over a Discrete action space; with <c>epsilon</c> &gt; 0 a uniformly random action with
/// probability epsilon (its own seeded generator). Reads the network live: it acts with the current weights.
/// </summary>
public sealed class QPolicy : IPolicy
{
    private readonly QNetwork network;
    private readonly Space observationSpace;
    private readonly double epsilon;
    private readonly Rng rng;
    private readonly float[] input;

    /// <summary>Acts with <paramref name="network"/> on observations of <paramref name="observationSpace"/>.</summary>
    public QPolicy(QNetwork network, Space observationSpace, double epsilon = 0, long seed = 0)
    {
        this.network = network ?? throw new ArgumentNullException(nameof(network));
        this.observationSpace = observationSpace ?? throw new ArgumentNullException(nameof(observationSpace));
        if (QInputs.Size(observationSpace) != network.ObservationSize)
            throw new ArgumentException($"QPolicy: the network reads {network.ObservationSize} inputs, but {observationSpace.Describe()} gives {QInputs.Size(observationSpace)}.");
        if (!(epsilon >= 0 && epsilon <= 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "QPolicy: expected epsilon in [0, 1]");
        this.epsilon = epsilon;
        rng = new Rng(seed);
        input = new float[network.ObservationSize];
    }

    /// <inheritdoc />
    public int ObservationSize => observationSpace.FlatSize;

    /// <inheritdoc />
    public int ActionSize => 1;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        if (observation.Length != ObservationSize || action.Length != 1)
            throw new ArgumentException($"QPolicy: expected an observation of {ObservationSize} and an action buffer of 1, got {observation.Length} and {action.Length}.");
        if (epsilon > 0 && rng.NextDouble() < epsilon)
        {
            action[0] = rng.NextInt(network.Actions);
            return;
        }
        QInputs.Encode(observationSpace, observation, input);
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        action[0] = network.Forward(Tensor.FromArray(input, 1, input.Length)).ArgMax(1)[0];
    }

    /// <inheritdoc />
    public void Reset() { }
}
