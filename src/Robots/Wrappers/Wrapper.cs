// Base of env wrappers: forwards everything to the inner env; a wrapper overrides only what it changes.
using Control.Core.Envs;

namespace Control.Robots.Wrappers;

/// <summary>An env around another env.</summary>
public abstract class Wrapper(IEnv inner) : ISnapshotEnv, IWrapper
{
    /// <inheritdoc />
    public IEnv Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public string Name => Inner.Name;

    /// <inheritdoc />
    public virtual Space ObservationSpace => Inner.ObservationSpace;

    /// <inheritdoc />
    public virtual Space ActionSpace => Inner.ActionSpace;

    /// <inheritdoc />
    public virtual void Reset(Span<double> observation, long? seed = null) => Inner.Reset(observation, seed);

    /// <inheritdoc />
    public virtual StepResult Step(ReadOnlySpan<double> action, Span<double> observation) => Inner.Step(action, observation);

    /// <summary>Writes the inner env's snapshot, then this wrapper's own state (<see cref="WriteState"/>).</summary>
    public void WriteSnapshot(BinaryWriter writer)
    {
        InnerSnapshot().WriteSnapshot(writer);
        WriteState(writer);
    }

    /// <summary>Reads what <see cref="WriteSnapshot"/> wrote.</summary>
    public void ReadSnapshot(BinaryReader reader)
    {
        InnerSnapshot().ReadSnapshot(reader);
        ReadState(reader);
    }

    /// <summary>Writes the wrapper's own counters for a snapshot (none by default).</summary>
    protected virtual void WriteState(BinaryWriter writer) { }

    /// <summary>Reads what <see cref="WriteState"/> wrote.</summary>
    protected virtual void ReadState(BinaryReader reader) { }

    private ISnapshotEnv InnerSnapshot() => Inner as ISnapshotEnv
        ?? throw new NotSupportedException($"{Name}: the wrapped env {Inner.GetType().Name} cannot be snapshotted (it does not implement ISnapshotEnv).");
}
