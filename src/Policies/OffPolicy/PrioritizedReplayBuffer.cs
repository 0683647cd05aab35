using Control.Core;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Proportional prioritized replay over a ring of transitions. Draws are stratified: the total priority is cut
/// into <see cref="ReplayBatch.Size"/> equal segments and one transition is drawn uniformly by mass in each.
/// </summary>
public sealed class PrioritizedReplayBuffer : IReplayBuffer
{
    private readonly ReplayBuffer storage;
    private readonly SumTree tree;
    private double maxPriority = 1.0;

    /// <summary>
    /// A buffer of <paramref name="capacity"/> transitions (observations of <paramref name="observationSize"/> values,
    /// actions of <paramref name="actionSize"/>) with priority exponent <paramref name="alpha"/> (0 is uniform) and
    /// <paramref name="epsilon"/> added to |TD error| so that no transition becomes undrawable.
    /// </summary>
    public PrioritizedReplayBuffer(int capacity, int observationSize, int actionSize, double alpha = 0.6, double epsilon = 1e-6)
    {
        if (!(alpha >= 0) || double.IsPositiveInfinity(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "PrioritizedReplayBuffer: expected a finite priority exponent alpha >= 0");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "PrioritizedReplayBuffer: expected a positive priority epsilon");
        storage = new ReplayBuffer(capacity, observationSize, actionSize);
        tree = new SumTree(capacity);
        Alpha = alpha;
        Epsilon = epsilon;
    }

    /// <summary>Priority exponent alpha.</summary>
    public double Alpha { get; }

    /// <summary>Added to |TD error| to make the priority.</summary>
    public double Epsilon { get; }

    /// <summary>Importance-sampling exponent beta for the next draw (the learner anneals it towards 1).</summary>
    public double Beta { get; set; } = 0.4;

    /// <summary>The transitions.</summary>
    public ReplayBuffer Storage => storage;

    /// <summary>The tree of p_i^alpha.</summary>
    public SumTree Tree => tree;

    /// <inheritdoc />
    public int Capacity => storage.Capacity;

    /// <inheritdoc />
    public int Count => storage.Count;

    /// <inheritdoc />
    public int ObservationSize => storage.ObservationSize;

    /// <inheritdoc />
    public int ActionSize => storage.ActionSize;

    /// <inheritdoc />
    public int Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated, float discount)
    {
        int slot = storage.Add(observation, action, reward, nextObservation, terminated, truncated, discount);
        tree.Set(slot, Math.Pow(maxPriority, Alpha));
        return slot;
    }

    /// <inheritdoc />
    public void Sample(Rng rng, ReplayBatch batch)
    {
        storage.CheckBatch(batch);
        if (!(Beta >= 0)) throw new InvalidOperationException($"PrioritizedReplayBuffer: expected Beta >= 0, got {Beta}.");
        double total = tree.Total, segment = total / batch.Size;
        int n = Count;
        // max_k w_k belongs to the least likely transition: (N P_min)^-beta.
        double maxWeight = Math.Pow(n * tree.Minimum / total, -Beta);
        for (int i = 0; i < batch.Size; i++)
        {
            int slot = Math.Min(tree.Find(segment * (i + rng.NextDouble())), n - 1);
            batch.Indices[i] = slot;
            double probability = tree[slot] / total;
            batch.Weights[i] = (float)(Math.Pow(n * probability, -Beta) / maxWeight);
        }
        storage.Gather(batch);
    }

    /// <inheritdoc />
    public void UpdatePriorities(ReadOnlySpan<int> indices, ReadOnlySpan<float> tdErrors)
    {
        if (indices.Length != tdErrors.Length)
            throw new ArgumentException($"PrioritizedReplayBuffer: expected one TD error per index, got {indices.Length} indices and {tdErrors.Length} errors.");
        for (int i = 0; i < indices.Length; i++)
        {
            if (!float.IsFinite(tdErrors[i]))
                throw new ArgumentException($"PrioritizedReplayBuffer: TD error {i} is {tdErrors[i]}; expected a finite value (did the loss diverge?).");
            double priority = Math.Abs(tdErrors[i]) + Epsilon;
            maxPriority = Math.Max(maxPriority, priority);
            tree.Set(indices[i], Math.Pow(priority, Alpha));
        }
    }

    /// <inheritdoc />
    public void Write(BinaryWriter writer)
    {
        storage.Write(writer);
        tree.Write(writer);
        writer.Write(maxPriority);
        writer.Write(Beta);
    }

    /// <inheritdoc />
    public void Read(BinaryReader reader)
    {
        storage.Read(reader);
        tree.Read(reader);
        maxPriority = reader.ReadDouble();
        Beta = reader.ReadDouble();
    }
}
