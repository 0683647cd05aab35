// The environment contract: Gymnasium's reset/step semantics, written so that a training loop allocates
// nothing per step (observations are written into a caller's span). Env is the base class that every
// concrete environment derives from: it owns the seeded generator and checks every action and call order,
// so that no environment can be driven with a wrong-length or non-finite action, or a Discrete action outside
// its range. Box actions outside their bounds are the env's to handle (the analytic robots clip, as Gymnasium's do).
using Control.Tensors;

namespace Control.Dynamics;

/// <summary>What one step returned besides the observation.</summary>
/// <param name="Reward">Reward of the transition.</param>
/// <param name="Terminated">The episode reached a terminal state of the MDP (no bootstrapping past it).</param>
/// <param name="Truncated">The episode was cut short (time limit); the state is not terminal.</param>
public readonly record struct StepResult(double Reward, bool Terminated, bool Truncated)
{
    /// <summary>Terminated or truncated: the episode is over and the env needs a reset.</summary>
    public bool Done => Terminated || Truncated;
}

/// <summary>A step's full outcome, with its own observation array (the convenient, allocating form).</summary>
public readonly record struct Transition(double[] Observation, double Reward, bool Terminated, bool Truncated)
{
    /// <summary>Terminated or truncated.</summary>
    public bool Done => Terminated || Truncated;
}

/// <summary>
/// An environment with Gymnasium's semantics. Observations and actions are flat spans of doubles laid out by
/// <see cref="ObservationSpace"/> and <see cref="ActionSpace"/>; a <see cref="Discrete"/> action is one element.
/// </summary>
public interface IEnv
{
    /// <summary>Registry name, used in every error message.</summary>
    string Name { get; }

    /// <summary>Space of observations.</summary>
    Space ObservationSpace { get; }

    /// <summary>Space of actions.</summary>
    Space ActionSpace { get; }

    /// <summary>
    /// Starts an episode and writes its first observation. With a seed, the env's generator is reseeded first
    /// (same seed, same episode); without one, it continues its stream (each reset differs).
    /// </summary>
    void Reset(Span<double> observation, long? seed = null);

    /// <summary>Applies <paramref name="action"/>, writes the next observation and returns reward and end flags.</summary>
    StepResult Step(ReadOnlySpan<double> action, Span<double> observation);
}

/// <summary>
/// An env whose whole run state (physical state, generator, episode bookkeeping, wrapper counters) can be written
/// and read back, so that training resumed from a checkpoint continues exactly as if it had not stopped.
/// </summary>
public interface ISnapshotEnv : IEnv
{
    /// <summary>Writes the run state.</summary>
    void WriteSnapshot(BinaryWriter writer);

    /// <summary>Restores a run state written by <see cref="WriteSnapshot"/> of an env made the same way.</summary>
    /// <exception cref="InvalidDataException">The snapshot was not written by this kind of env.</exception>
    void ReadSnapshot(BinaryReader reader);
}

/// <summary>An env that wraps another (a wrapper); <see cref="EnvExtensions.Find{T}"/> walks the chain.</summary>
public interface IWrapper
{
    /// <summary>The wrapped env.</summary>
    IEnv Inner { get; }
}

/// <summary>An env whose state can be read and set: replay from a given state, debugging, MPC.</summary>
public interface IStatefulEnv : IEnv
{
    /// <summary>Number of doubles in the state.</summary>
    int StateSize { get; }

    /// <summary>Copies the current state.</summary>
    void GetState(Span<double> state);

    /// <summary>Sets the state mid-episode (e.g. to replay from a given state); the episode goes on from it.</summary>
    void SetState(ReadOnlySpan<double> state);

    /// <summary>Writes the observation of state <paramref name="state"/>.</summary>
    void Observe(ReadOnlySpan<double> state, Span<double> observation);
}

/// <summary>
/// An env that exposes its transition model and cost: what a planner or an MPC controller needs. Analytic
/// robots and MuJoCo robots implement it.
/// </summary>
public interface IModelEnv : IStatefulEnv
{
    /// <summary>The discrete-time model the env steps with (same time step, same equations).</summary>
    IDynamics Dynamics { get; }

    /// <summary>A smooth cost whose minimization is the env's task.</summary>
    ICost Cost { get; }
}

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

/// <summary>The checks every env and wrapper applies, with messages that name env, expectation and value.</summary>
public static class EnvChecks
{
    /// <summary>Throws <see cref="InvalidActionException"/> unless <paramref name="action"/> fits the env's action space.</summary>
    public static void Action(IEnv env, ReadOnlySpan<double> action)
    {
        Space space = env.ActionSpace;
        if (action.Length != space.FlatSize)
        {
            throw new InvalidActionException(env.Name,
                $"expected an action of length {space.FlatSize} for {space.Describe()}, got length {action.Length}");
        }
        for (int i = 0; i < action.Length; i++)
        {
            if (!double.IsFinite(action[i]))
            {
                throw new InvalidActionException(env.Name,
                    $"expected finite action values for {space.Describe()}, got {action[i]} at index {i}");
            }
        }
        if (space is Discrete discrete && !discrete.Contains(action))
        {
            throw new InvalidActionException(env.Name,
                $"expected an integer action in [0, {discrete.N - 1}] for {discrete.Describe()}, got {action[0]}");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the observation buffer has the observation's size.</summary>
    public static void ObservationLength(IEnv env, Span<double> observation)
    {
        if (observation.Length != env.ObservationSpace.FlatSize)
        {
            throw new ArgumentException(
                $"{env.Name}: expected an observation buffer of length {env.ObservationSpace.FlatSize}, got length {observation.Length}.",
                nameof(observation));
        }
    }

    /// <summary>Throws <see cref="InvalidStateException"/> unless <paramref name="state"/> has the expected length and is finite.</summary>
    public static void State(string envName, int expectedLength, ReadOnlySpan<double> state)
    {
        if (state.Length != expectedLength)
            throw new InvalidStateException(envName, $"expected a state of length {expectedLength}, got length {state.Length}");
        for (int i = 0; i < state.Length; i++)
        {
            if (!double.IsFinite(state[i]))
                throw new InvalidStateException(envName, $"expected finite state values, got {state[i]} at index {i}");
        }
    }
}

/// <summary>Allocating conveniences over <see cref="IEnv"/>, for scripts, tests and the CLI.</summary>
public static class EnvExtensions
{
    /// <summary>Resets and returns the first observation as a new array.</summary>
    public static double[] Reset(this IEnv env, long? seed = null)
    {
        var observation = new double[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed);
        return observation;
    }

    /// <summary>Steps and returns the whole transition with a new observation array.</summary>
    public static Transition Step(this IEnv env, ReadOnlySpan<double> action)
    {
        var observation = new double[env.ObservationSpace.FlatSize];
        StepResult r = env.Step(action, observation);
        return new Transition(observation, r.Reward, r.Terminated, r.Truncated);
    }

    /// <summary>Steps a <see cref="Discrete"/> env with action <paramref name="action"/>.</summary>
    public static Transition Step(this IEnv env, int action) => env.Step([(double)action]);

    /// <summary>The first env of type <typeparamref name="T"/> in the wrapper chain, starting at <paramref name="env"/>; null if none.</summary>
    public static T? Find<T>(this IEnv env) where T : class
    {
        for (IEnv? e = env; e is not null; e = (e as IWrapper)?.Inner)
        {
            if (e is T found) return found;
        }
        return null;
    }
}
