// The environment contract: Gymnasium's reset/step semantics, written so that a training loop allocates
// nothing per step (observations are written into a caller's span). Env is the base class that every
// concrete environment derives from: it owns the seeded generator and checks every action and call order,
// so that no environment can be driven with a wrong-length or non-finite action, or a Discrete action outside
// its range. Box actions outside their bounds are the env's to handle (the analytic robots clip, as Gymnasium's do).
namespace Control.Core.Envs;

/// <summary>
/// Base of concrete environments: seeding, call-order checks and action validation live here once.
/// Subclasses implement <see cref="ResetCore"/> and <see cref="StepCore"/>, which only see valid actions.
/// </summary>
public abstract class Env : ISnapshotEnv
{
    private bool needsReset = true;
    private bool everReset;

    /// <summary>Creates an env whose generator starts from <paramref name="seed"/>.</summary>
    protected Env(string name, Space observationSpace, Space actionSpace, long seed)
    {
        Name = name;
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        Random = new Rng(seed);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public Space ObservationSpace { get; }

    /// <inheritdoc />
    public Space ActionSpace { get; }

    /// <summary>The env's own generator (reseeded by <see cref="Reset"/> with a seed).</summary>
    protected Rng Random { get; private set; }

    /// <summary>Whether an episode is running (reset done, not yet terminated).</summary>
    protected bool EpisodeRunning => !needsReset;

    /// <inheritdoc />
    public void Reset(Span<double> observation, long? seed = null)
    {
        EnvChecks.ObservationLength(this, observation);
        if (seed is long s) Random = new Rng(s);
        ResetCore(observation);
        needsReset = false;
        everReset = true;
    }

    /// <inheritdoc />
    public StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
    {
        if (needsReset)
        {
            throw new EnvStateException(Name, everReset
                ? "step called after the episode terminated; expected Reset before the next Step"
                : "step called before Reset; expected Reset first");
        }
        EnvChecks.Action(this, action);
        EnvChecks.ObservationLength(this, observation);
        StepResult result = StepCore(action, observation);
        if (result.Done) needsReset = true;
        return result;
    }

    /// <summary>Samples the initial state from <see cref="Random"/> and writes the first observation.</summary>
    protected abstract void ResetCore(Span<double> observation);

    /// <summary>Steps with a validated action and writes the observation.</summary>
    protected abstract StepResult StepCore(ReadOnlySpan<double> action, Span<double> observation);

    /// <inheritdoc />
    public void WriteSnapshot(BinaryWriter writer)
    {
        writer.Write(Name);
        Random.GetState().Write(writer);
        writer.Write(needsReset);
        writer.Write(everReset);
        WriteState(writer);
    }

    /// <inheritdoc />
    public void ReadSnapshot(BinaryReader reader)
    {
        string name = reader.ReadString();
        if (name != Name) throw new InvalidDataException($"{Name}: expected a snapshot of env '{Name}', got one of '{name}'.");
        Rng random = Rng.FromState(RngState.Read(reader));
        bool savedNeedsReset = reader.ReadBoolean(), savedEverReset = reader.ReadBoolean();
        ReadState(reader);
        Random = random;
        needsReset = savedNeedsReset;
        everReset = savedEverReset;
    }

    /// <summary>
    /// Writes the env's own state for <see cref="WriteSnapshot"/>: by default the <see cref="IStatefulEnv"/> state.
    /// Envs that keep more (targets, counters) override this and <see cref="ReadState"/>.
    /// </summary>
    protected virtual void WriteState(BinaryWriter writer)
    {
        if (this is not IStatefulEnv stateful)
            throw new NotSupportedException($"{Name}: this env cannot be snapshotted (it is not an IStatefulEnv and does not override WriteState).");
        var state = new double[stateful.StateSize];
        stateful.GetState(state);
        writer.Write(state.Length);
        foreach (double v in state) writer.Write(v);
    }

    /// <summary>Reads what <see cref="WriteState"/> wrote.</summary>
    protected virtual void ReadState(BinaryReader reader)
    {
        if (this is not IStatefulEnv stateful)
            throw new NotSupportedException($"{Name}: this env cannot be snapshotted (it is not an IStatefulEnv and does not override ReadState).");
        int length = reader.ReadInt32();
        if (length != stateful.StateSize) throw new InvalidDataException($"{Name}: expected a snapshot state of length {stateful.StateSize}, got {length}.");
        var state = new double[length];
        for (int i = 0; i < length; i++) state[i] = reader.ReadDouble();
        stateful.SetState(state);
    }

    /// <summary>Marks an episode as running, e.g. after its state was set from outside with SetState.</summary>
    protected void MarkRunning()
    {
        needsReset = false;
        everReset = true;
    }
}
