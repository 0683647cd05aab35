// Experience replay for off-policy value learning (Mnih et al. 2015, "Human-level control through deep
// reinforcement learning": store past transitions and draw batches from them, so that a batch is no longer a run
// of correlated successive states). A transition is
// (s, a, R, s', terminated, truncated, discount): R is the (possibly n-step) discounted reward and discount the
// factor gamma^k in front of max_a Q(s', a). Termination and truncation are kept apart because only a real
// termination has zero value after it; an episode cut by a time limit bootstraps from s' like any other step.
// Actions are floats of the env's action size, so that one buffer serves DQN (a Discrete action stored as its
// index, exact as a float) and the continuous-action learners (DDPG, TD3, SAC) alike.
using Control.Core;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Uniform replay: a ring of <see cref="Capacity"/> transitions, allocated once; when full, each new transition
/// overwrites the oldest. Draws are uniform with replacement over the held transitions.
/// </summary>
public sealed class ReplayBuffer : IReplayBuffer
{
    private readonly float[] observations;
    private readonly float[] nextObservations;
    private readonly float[] actions;
    private readonly float[] rewards;
    private readonly float[] discounts;
    private readonly bool[] terminated;
    private readonly bool[] truncated;

    /// <summary>
    /// A buffer of <paramref name="capacity"/> transitions with observations of <paramref name="observationSize"/> values
    /// and actions of <paramref name="actionSize"/> values (1 for a Discrete action).
    /// </summary>
    public ReplayBuffer(int capacity, int observationSize, int actionSize)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "ReplayBuffer: expected a positive capacity");
        if (observationSize <= 0) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "ReplayBuffer: expected a positive observation size");
        if (actionSize <= 0) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, "ReplayBuffer: expected a positive action size");
        Capacity = capacity;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        observations = new float[capacity * observationSize];
        nextObservations = new float[capacity * observationSize];
        actions = new float[capacity * actionSize];
        rewards = new float[capacity];
        discounts = new float[capacity];
        terminated = new bool[capacity];
        truncated = new bool[capacity];
    }

    /// <inheritdoc />
    public int Capacity { get; }

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <inheritdoc />
    public int ObservationSize { get; }

    /// <inheritdoc />
    public int ActionSize { get; }

    /// <summary>Slot the next transition goes to.</summary>
    public int Position { get; private set; }

    /// <summary>Whether the transition in <paramref name="slot"/> ended its episode by termination.</summary>
    public bool IsTerminated(int slot) => terminated[CheckSlot(slot)];

    /// <summary>Whether the transition in <paramref name="slot"/> ended its episode by a time limit (it still bootstraps).</summary>
    public bool IsTruncated(int slot) => truncated[CheckSlot(slot)];

    /// <summary>The action of the transition in <paramref name="slot"/>.</summary>
    public ReadOnlySpan<float> ActionAt(int slot) => actions.AsSpan(CheckSlot(slot) * ActionSize, ActionSize);

    /// <summary>The reward sum of the transition in <paramref name="slot"/>.</summary>
    public float RewardAt(int slot) => rewards[CheckSlot(slot)];

    /// <summary>The discount of the transition in <paramref name="slot"/>.</summary>
    public float DiscountAt(int slot) => discounts[CheckSlot(slot)];

    /// <summary>The observation of the transition in <paramref name="slot"/>.</summary>
    public ReadOnlySpan<float> ObservationAt(int slot) => observations.AsSpan(CheckSlot(slot) * ObservationSize, ObservationSize);

    /// <summary>The next observation of the transition in <paramref name="slot"/>.</summary>
    public ReadOnlySpan<float> NextObservationAt(int slot) => nextObservations.AsSpan(CheckSlot(slot) * ObservationSize, ObservationSize);

    /// <inheritdoc />
    public int Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated, float discount)
    {
        if (observation.Length != ObservationSize || nextObservation.Length != ObservationSize)
            throw new ArgumentException($"ReplayBuffer: expected observations of {ObservationSize} values, got {observation.Length} and {nextObservation.Length}.");
        if (action.Length != ActionSize) throw new ActionSizeException("ReplayBuffer", ActionSize, action.Length);
        int slot = Position;
        observation.CopyTo(observations.AsSpan(slot * ObservationSize, ObservationSize));
        nextObservation.CopyTo(nextObservations.AsSpan(slot * ObservationSize, ObservationSize));
        action.CopyTo(actions.AsSpan(slot * ActionSize, ActionSize));
        rewards[slot] = reward;
        discounts[slot] = discount;
        this.terminated[slot] = terminated;
        this.truncated[slot] = truncated;
        Position = (slot + 1) % Capacity;
        Count = Math.Min(Count + 1, Capacity);
        return slot;
    }

    /// <inheritdoc />
    public void Sample(Rng rng, ReplayBatch batch)
    {
        CheckBatch(batch);
        for (int i = 0; i < batch.Size; i++) batch.Indices[i] = rng.NextInt(Count);
        Gather(batch);
        Array.Fill(batch.Weights, 1f);
    }

    /// <inheritdoc />
    public void UpdatePriorities(ReadOnlySpan<int> indices, ReadOnlySpan<float> tdErrors) { }

    /// <summary>Copies the transitions in <paramref name="batch"/>'s <see cref="ReplayBatch.Indices"/> into its arrays.</summary>
    public void Gather(ReplayBatch batch)
    {
        int o = ObservationSize, a = ActionSize;
        for (int i = 0; i < batch.Size; i++)
        {
            int slot = CheckSlot(batch.Indices[i]);
            observations.AsSpan(slot * o, o).CopyTo(batch.Observations.AsSpan(i * o, o));
            nextObservations.AsSpan(slot * o, o).CopyTo(batch.NextObservations.AsSpan(i * o, o));
            actions.AsSpan(slot * a, a).CopyTo(batch.Actions.AsSpan(i * a, a));
            batch.Rewards[i] = rewards[slot];
            batch.Discounts[i] = discounts[slot];
            batch.Terminated[i] = terminated[slot] ? 1f : 0f;
        }
    }

    /// <summary>Checks that <paramref name="batch"/> fits this buffer and that there is something to draw.</summary>
    internal void CheckBatch(ReplayBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.ObservationSize != ObservationSize)
            throw new ArgumentException($"ReplayBuffer: expected a batch for observations of {ObservationSize} values, got {batch.ObservationSize}.");
        if (batch.ActionSize != ActionSize) throw new ActionSizeException("ReplayBuffer: a batch", ActionSize, batch.ActionSize);
        if (Count == 0) throw new InvalidOperationException("ReplayBuffer: cannot sample from an empty buffer; add transitions first.");
    }

    /// <inheritdoc />
    public void Write(BinaryWriter writer)
    {
        writer.Write(Capacity);
        writer.Write(ObservationSize);
        writer.Write(ActionSize);
        writer.Write(Count);
        writer.Write(Position);
        int o = ObservationSize;
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(observations.AsSpan(0, Count * o)));
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(nextObservations.AsSpan(0, Count * o)));
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(actions.AsSpan(0, Count * ActionSize)));
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(rewards.AsSpan(0, Count)));
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(discounts.AsSpan(0, Count)));
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(terminated.AsSpan(0, Count)));
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(truncated.AsSpan(0, Count)));
    }

    /// <inheritdoc />
    public void Read(BinaryReader reader)
    {
        // The action size in the header also keeps a replay written when actions were stored as int indices (no
        // action size, same bytes per action) from being read as floats: its fields no longer line up and it is refused.
        int capacity = reader.ReadInt32(), observationSize = reader.ReadInt32(), actionSize = reader.ReadInt32();
        if (capacity != Capacity || observationSize != ObservationSize || actionSize != ActionSize)
        {
            throw new InvalidDataException(
                $"ReplayBuffer: expected a buffer of {Capacity} transitions with observations of {ObservationSize} and actions of {ActionSize} values, "
                + $"got {capacity}, {observationSize} and {actionSize} (a replay stored before actions were floats of the action size cannot be read).");
        }
        int count = reader.ReadInt32(), position = reader.ReadInt32();
        if (count < 0 || count > capacity || position < 0 || position >= capacity || (count < capacity && position != count))
            throw new InvalidDataException($"ReplayBuffer: impossible count {count} and position {position} for capacity {capacity}.");
        int o = ObservationSize;
        ReadInto(reader, observations.AsSpan(0, count * o));
        ReadInto(reader, nextObservations.AsSpan(0, count * o));
        ReadInto(reader, actions.AsSpan(0, count * ActionSize));
        ReadInto(reader, rewards.AsSpan(0, count));
        ReadInto(reader, discounts.AsSpan(0, count));
        ReadInto(reader, terminated.AsSpan(0, count));
        ReadInto(reader, truncated.AsSpan(0, count));
        Count = count;
        Position = position;
    }

    private static void ReadInto<T>(BinaryReader reader, Span<T> destination) where T : unmanaged
    {
        // ReadExactly throws EndOfStreamException when the stored transitions are cut short.
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
    }

    private int CheckSlot(int slot) => (uint)slot < (uint)Count
        ? slot
        : throw new ArgumentOutOfRangeException(nameof(slot), slot, $"ReplayBuffer: expected a slot in [0, {Count - 1}]");
}
