// The pieces every Q-learning method shares: how an observation becomes the network's input (a Box as its
// floats, a Discrete cell index as a one-hot vector), the importance-weighted Huber TD loss, and the greedy
// (or epsilon-greedy) policy pi(s) = argmax_a Q(s, a) as the IPolicy that controllers and the CLI use.
using Control.Dynamics;
using Control.Tensors;

namespace Control.Policies;

/// <summary>Observations as Q-network inputs: Box observations as floats, Discrete observations one-hot.</summary>
public static class QInputs
{
    /// <summary>Inputs per observation for <paramref name="space"/>.</summary>
    public static int Size(Space space) => space switch
    {
        Discrete d => d.N,
        Box b => b.FlatSize,
        _ => throw new ArgumentException($"Q-network input: unsupported observation space {space.Describe()}; expected Box or Discrete."),
    };

    /// <summary>Writes the inputs of the rows of <paramref name="raw"/> (observations of <paramref name="space"/>) into <paramref name="destination"/>.</summary>
    public static void Encode(Space space, ReadOnlySpan<double> raw, Span<float> destination)
    {
        int rowIn = space.FlatSize, rowOut = Size(space);
        if (raw.Length % rowIn != 0 || destination.Length != raw.Length / rowIn * rowOut)
            throw new ArgumentException($"Q-network input: expected rows of {rowIn} raw values and {rowOut} inputs each, got {raw.Length} and {destination.Length}.");
        if (space is not Discrete d)
        {
            for (int i = 0; i < raw.Length; i++) destination[i] = (float)raw[i];
            return;
        }
        destination.Clear();
        for (int r = 0; r < raw.Length; r++)
        {
            int cell = (int)raw[r];
            if (cell != raw[r] || (uint)cell >= (uint)d.N)
                throw new ArgumentException($"Q-network input: expected a cell index in [0, {d.N - 1}], got {raw[r]} in row {r}.");
            destination[r * d.N + cell] = 1f;
        }
    }
}

/// <summary>The TD regression loss of DQN.</summary>
public static class TdLoss
{
    /// <summary>
    /// mean_i w_i h(q_i - y_i) with the Huber function h(d) = 0.5 d^2 for |d| &lt;= delta and delta (|d| - 0.5 delta)
    /// beyond: quadratic near the target, linear (bounded gradient delta) far from it, as in Mnih et al. 2015's
    /// error clipping. <paramref name="weights"/> are prioritized replay's importance weights (null: all 1).
    /// </summary>
    public static Tensor Huber(Tensor q, Tensor targets, Tensor? weights, double delta)
    {
        if (weights is null) return Loss.Huber(q, targets, delta);
        if (!q.Shape.SequenceEqual(targets.Shape) || !q.Shape.SequenceEqual(weights.Shape))
            throw new TensorException($"td_loss: expected Q values, targets and weights of one shape, got {Tensor.Format(q.Shape)}, {Tensor.Format(targets.Shape)} and {Tensor.Format(weights.Shape)}.");
        if (!(delta > 0)) throw new TensorException($"td_loss: expected a Huber delta > 0, got {delta}.");
        Tensor d = q - targets;
        Tensor absolute = d.Abs();
        Tensor inside = (delta - absolute.Detach()).Sign().Clamp(0, 1);
        Tensor perElement = Tensor.Where(inside, 0.5 * d.Square(), delta * (absolute - 0.5 * delta));
        return (perElement * weights).Mean();
    }
}

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
