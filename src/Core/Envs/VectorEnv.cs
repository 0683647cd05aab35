// N copies of an env stepped as one batch, the workhorse of on-policy training. Episodes that end are
// reset in the same step (Stable-Baselines3's convention): the batch returns the new episode's first
// observation and keeps the last observation of the one that ended in FinalObservations, so that
// truncated episodes can be bootstrapped. Copies are stepped on all cores when a batch is slow enough
// for that to pay; results never depend on it, since each copy has its own seeded generator. Copies must not
// share mutable state (e.g. one RunningMeanStd for several NormalizeObservation wrappers): they may run at once.
// The threads are a WorkSharing team with dedicated helpers: batches of a few tens of microseconds arrive between
// policy evaluations, and a parked thread of our own wakes faster than a queued pool item.
using System.Diagnostics;
using Control.Core.Threading;

namespace Control.Core.Envs;

/// <summary>
/// A batch of envs with automatic reset. Buffers are owned by the batch and overwritten by each call.
/// Dispose it to stop its worker threads (they are background threads, so a forgotten batch does not hang exit).
/// </summary>
public sealed class VectorEnv : IVectorEnv
{
    private const int CalibrationSteps = 8;
    private readonly IEnv[] envs;
    private readonly double[] runningReturns;
    private readonly int[] runningLengths;
    private readonly VectorEnvOptions options;
    private readonly double[] actionBuffer;
    private readonly StepChunks stepChunks;
    private WorkSharing? threads;
    private int workers;
    private bool disposed;
    private int calibrated;
    private long calibrationTicks;

    /// <summary>Makes <paramref name="count"/> envs with <paramref name="factory"/>(i); all must share spaces.</summary>
    public VectorEnv(Func<int, IEnv> factory, int count, VectorEnvOptions? options = null)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "expected at least one env");
        this.options = options ?? new VectorEnvOptions();
        if (this.options.Workers < 0) throw new ArgumentOutOfRangeException(nameof(options), this.options.Workers, "expected Workers >= 0");
        envs = new IEnv[count];
        for (int i = 0; i < count; i++)
        {
            envs[i] = factory(i);
            if (!Equals(envs[i].ObservationSpace, envs[0].ObservationSpace) || !Equals(envs[i].ActionSpace, envs[0].ActionSpace))
            {
                throw new ArgumentException(
                    $"{envs[i].Name}: copy {i} has spaces {envs[i].ObservationSpace.Describe()} / {envs[i].ActionSpace.Describe()}, "
                    + $"expected those of copy 0: {envs[0].ObservationSpace.Describe()} / {envs[0].ActionSpace.Describe()}");
            }
        }
        ObservationSize = envs[0].ObservationSpace.FlatSize;
        ActionSize = envs[0].ActionSpace.FlatSize;
        Observations = new double[count * ObservationSize];
        FinalObservations = new double[count * ObservationSize];
        Rewards = new double[count];
        Terminated = new bool[count];
        Truncated = new bool[count];
        EpisodeReturns = new double[count];
        EpisodeLengths = new int[count];
        runningReturns = new double[count];
        runningLengths = new int[count];
        actionBuffer = new double[count * ActionSize];
        stepChunks = new StepChunks(this);
        workers = Math.Min(this.options.Workers == 0 ? 1 : this.options.Workers, count);
    }

    /// <inheritdoc />
    public string Name => envs[0].Name;

    /// <summary>Number of copies N.</summary>
    public int Count => envs.Length;

    /// <summary>The copies (for inspection; stepping them directly breaks the batch's bookkeeping).</summary>
    public IReadOnlyList<IEnv> Copies => envs;

    /// <summary>Space of one copy's observation.</summary>
    public Space SingleObservationSpace => envs[0].ObservationSpace;

    /// <summary>Space of one copy's action.</summary>
    public Space SingleActionSpace => envs[0].ActionSpace;

    /// <summary>Doubles per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Doubles per action.</summary>
    public int ActionSize { get; }

    /// <summary>Current observations, N x ObservationSize row-major (after an auto-reset: the new episode's first).</summary>
    public double[] Observations { get; }

    /// <summary>Last observation of the episode that ended at this step, where Terminated or Truncated is set.</summary>
    public double[] FinalObservations { get; }

    /// <summary>Rewards of the last step.</summary>
    public double[] Rewards { get; }

    /// <summary>Which copies terminated at the last step.</summary>
    public bool[] Terminated { get; }

    /// <summary>Which copies were truncated at the last step.</summary>
    public bool[] Truncated { get; }

    /// <summary>Return of the episode that ended at the last step, where Terminated or Truncated is set.</summary>
    public double[] EpisodeReturns { get; }

    /// <summary>Length of the episode that ended at the last step, where Terminated or Truncated is set.</summary>
    public int[] EpisodeLengths { get; }

    /// <summary>Threads currently used to step.</summary>
    public int Workers => workers;

    /// <summary>Resets every copy; with a seed, copy i is reseeded with seed + i.</summary>
    public void Reset(long? seed = null)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Array.Clear(Terminated);
        Array.Clear(Truncated);
        Array.Clear(Rewards);
        for (int i = 0; i < envs.Length; i++)
        {
            envs[i].Reset(Observations.AsSpan(i * ObservationSize, ObservationSize), seed + i);
            runningReturns[i] = 0;
            runningLengths[i] = 0;
        }
    }

    /// <summary>Steps every copy with its row of <paramref name="actions"/> (N x ActionSize), resetting those whose episode ends.</summary>
    public void Step(ReadOnlySpan<double> actions)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (actions.Length != envs.Length * ActionSize)
        {
            throw new InvalidActionException(envs[0].Name,
                $"expected {envs.Length} x {ActionSize} = {envs.Length * ActionSize} action values for the batch, got {actions.Length}");
        }
        // Check every row before stepping any copy, so that a bad batch leaves all copies as they were.
        for (int i = 0; i < envs.Length; i++) EnvChecks.Action(envs[i], actions.Slice(i * ActionSize, ActionSize));
        long start = calibrated < CalibrationSteps ? Stopwatch.GetTimestamp() : 0;
        if (workers <= 1)
        {
            StepRange(actions, 0, envs.Length);
        }
        else
        {
            actions.CopyTo(actionBuffer);
            threads ??= new WorkSharing(workers, dedicatedThreads: true);
            threads.Run(stepChunks, workers, workers);
        }
        if (calibrated < CalibrationSteps) Calibrate(Stopwatch.GetTimestamp() - start);
    }

    // Chunk c of `workers` equal chunks, reading the actions copied into actionBuffer.
    private void StepChunk(int c) => StepRange(actionBuffer, c * envs.Length / workers, (c + 1) * envs.Length / workers);

    private void StepRange(ReadOnlySpan<double> actions, int from, int to)
    {
        int o = ObservationSize, a = ActionSize;
        for (int i = from; i < to; i++)
        {
            Span<double> observation = Observations.AsSpan(i * o, o);
            StepResult r = envs[i].Step(actions.Slice(i * a, a), observation);
            Rewards[i] = r.Reward;
            Terminated[i] = r.Terminated;
            Truncated[i] = r.Truncated;
            runningReturns[i] += r.Reward;
            runningLengths[i]++;
            if (r.Done)
            {
                observation.CopyTo(FinalObservations.AsSpan(i * o, o));
                EpisodeReturns[i] = runningReturns[i];
                EpisodeLengths[i] = runningLengths[i];
                runningReturns[i] = 0;
                runningLengths[i] = 0;
                envs[i].Reset(observation);
            }
        }
    }

    // Automatic mode: time the first batches on one thread and move to all cores if a batch is slow enough.
    private void Calibrate(long ticks)
    {
        calibrated++;
        if (options.Workers != 0) return;
        calibrationTicks += ticks;
        if (calibrated == CalibrationSteps)
        {
            double perBatch = (double)calibrationTicks / CalibrationSteps / Stopwatch.Frequency;
            if (perBatch > options.ParallelThreshold.TotalSeconds) workers = Math.Min(Environment.ProcessorCount, envs.Length);
        }
    }

    /// <summary>
    /// Writes every copy's snapshot (<see cref="ISnapshotEnv"/>), the current observations and the running episode
    /// counters and the last step's results, so that a training run restored from a checkpoint steps on exactly as it would have.
    /// </summary>
    /// <exception cref="NotSupportedException">A copy cannot be snapshotted.</exception>
    public void WriteSnapshot(BinaryWriter writer)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        writer.Write(envs.Length);
        writer.Write(ObservationSize);
        for (int i = 0; i < envs.Length; i++)
        {
            Snapshottable(i).WriteSnapshot(writer);
            writer.Write(runningReturns[i]);
            writer.Write(runningLengths[i]);
            writer.Write(Rewards[i]);
            writer.Write(Terminated[i]);
            writer.Write(Truncated[i]);
            writer.Write(EpisodeReturns[i]);
            writer.Write(EpisodeLengths[i]);
        }
        foreach (double v in Observations) writer.Write(v);
        foreach (double v in FinalObservations) writer.Write(v);
    }

    /// <summary>Restores what <see cref="WriteSnapshot"/> wrote into a batch made the same way.</summary>
    /// <exception cref="InvalidDataException">The snapshot is of a batch with a different size or observation length.</exception>
    public void ReadSnapshot(BinaryReader reader)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        int count = reader.ReadInt32(), observationSize = reader.ReadInt32();
        if (count != envs.Length || observationSize != ObservationSize)
        {
            throw new InvalidDataException(
                $"{envs[0].Name}: expected a snapshot of {envs.Length} copies with observations of length {ObservationSize}, got {count} copies of length {observationSize}.");
        }
        for (int i = 0; i < envs.Length; i++)
        {
            Snapshottable(i).ReadSnapshot(reader);
            runningReturns[i] = reader.ReadDouble();
            runningLengths[i] = reader.ReadInt32();
            Rewards[i] = reader.ReadDouble();
            Terminated[i] = reader.ReadBoolean();
            Truncated[i] = reader.ReadBoolean();
            EpisodeReturns[i] = reader.ReadDouble();
            EpisodeLengths[i] = reader.ReadInt32();
        }
        for (int i = 0; i < Observations.Length; i++) Observations[i] = reader.ReadDouble();
        for (int i = 0; i < FinalObservations.Length; i++) FinalObservations[i] = reader.ReadDouble();
    }

    private ISnapshotEnv Snapshottable(int copy) => envs[copy] as ISnapshotEnv
        ?? throw new NotSupportedException($"{envs[copy].Name}: copy {copy} ({envs[copy].GetType().Name}) cannot be snapshotted; it does not implement ISnapshotEnv.");

    // Chunk c of a parallel batch step; every copy belongs to exactly one chunk, whichever thread runs it.
    private sealed class StepChunks(VectorEnv owner) : IChunkedWork
    {
        public void Run(int member, int chunk) => owner.StepChunk(chunk);
    }

    /// <summary>Stops the worker threads; the batch cannot be stepped afterwards.</summary>
    public void Dispose()
    {
        disposed = true;
        threads?.Dispose();
    }
}
