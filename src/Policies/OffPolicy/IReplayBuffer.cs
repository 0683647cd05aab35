using Control.Core;

namespace Control.Policies.OffPolicy;

/// <summary>What a value-based learner needs from replay: add, draw, re-prioritize, save.</summary>
public interface IReplayBuffer
{
    /// <summary>Transitions the buffer can hold.</summary>
    int Capacity { get; }

    /// <summary>Transitions held.</summary>
    int Count { get; }

    /// <summary>Values per observation.</summary>
    int ObservationSize { get; }

    /// <summary>Values per action (1 for a Discrete action, stored as its index).</summary>
    int ActionSize { get; }

    /// <summary>Stores a transition, overwriting the oldest when full; returns its slot.</summary>
    /// <exception cref="ActionSizeException"><paramref name="action"/> does not have <see cref="ActionSize"/> values.</exception>
    int Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated, float discount);

    /// <summary>Draws <see cref="ReplayBatch.Size"/> transitions into <paramref name="batch"/> with <paramref name="rng"/>.</summary>
    void Sample(Rng rng, ReplayBatch batch);

    /// <summary>Tells the buffer the new TD errors of the transitions of the last batch (uniform replay ignores them).</summary>
    void UpdatePriorities(ReadOnlySpan<int> indices, ReadOnlySpan<float> tdErrors);

    /// <summary>Writes the contents (for checkpoints).</summary>
    void Write(BinaryWriter writer);

    /// <summary>Restores contents written by <see cref="Write"/> into a buffer of the same capacity, observation size and action size.</summary>
    /// <exception cref="InvalidDataException">The stored buffer has another shape.</exception>
    void Read(BinaryReader reader);
}
