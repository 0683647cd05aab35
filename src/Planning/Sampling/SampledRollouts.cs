// The shared engine of the sampling planners (CEM, MPPI, random shooting): draw K control sequences, roll each
// out from x0 on the model, and score it by the sum of its stage costs plus the terminal cost. A NaN or an
// infinity anywhere in a rollout scores +Infinity, so a diverging sample is simply never chosen.
//
// Sample k always draws from its own random stream (stream k of the seed, continued across evaluations) and
// writes only its own row of controls and its own cost. Samples are handed out to threads in chunks claimed on
// the fly (WorkSharing), and the planners reduce the costs afterwards in sample order on the calling thread, so
// the result is bitwise the same whatever the thread count.
using System.Diagnostics;
using Control.Core;
using Control.Core.Models;
using Control.Core.Threading;

namespace Control.Planning.Sampling;

/// <summary>
/// K rollouts of H steps from one state, evaluated in parallel and deterministically: the sampled controls
/// (K x H x m) and their costs (K) stay in buffers owned by this object and are overwritten by each evaluation.
/// </summary>
public sealed class SampledRollouts
{
    /// <summary>In automatic thread mode, evaluations that take longer than this on one thread are spread over all cores (waking a pool thread costs several microseconds).</summary>
    public static readonly TimeSpan ParallelThreshold = TimeSpan.FromMicroseconds(50);

    private const int CalibrationEvaluations = 4;
    private const int ChunksPerThread = 8;

    private readonly IDynamics dynamics;
    private readonly IBatchDynamics? batchDynamics;
    private readonly double[]? batchStates, batchNext, batchControls;
    private readonly ICost cost;
    private readonly int n, m;
    private readonly double[] start;
    private readonly Participant[] participants;
    private readonly WorkSharing team;
    private readonly SampleChunks chunks;
    private readonly int chunkSize, chunkCount;
    private Rng[] streams;
    private IControlSampler? sampler;
    private int threadsInUse;
    private int calibrated;
    private long fastestTicks = long.MaxValue;

    /// <summary>
    /// Buffers for <paramref name="samples"/> rollouts of <paramref name="horizon"/> steps on
    /// <paramref name="dynamics"/> and <paramref name="cost"/>. <paramref name="threads"/>: 0 chooses by timing
    /// the first evaluations (all cores when the fastest takes longer than <see cref="ParallelThreshold"/>), otherwise
    /// the number of threads to use (the caller's included).
    /// </summary>
    public SampledRollouts(IDynamics dynamics, ICost cost, int horizon, int samples, int threads, long seed)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(cost);
        PlannerChecks.Model("SampledRollouts", dynamics, cost);
        PlannerChecks.Horizon("SampledRollouts", horizon);
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "SampledRollouts: expected at least 1 sample.");
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "SampledRollouts: expected Threads = 0 (automatic) or a positive thread count.");
        this.dynamics = dynamics;
        this.cost = cost;
        n = dynamics.StateSize;
        m = dynamics.ControlSize;
        Horizon = horizon;
        Samples = samples;
        RequestedThreads = threads;
        Controls = new double[samples * horizon * m];
        Costs = new double[samples];
        start = new double[n];
        batchDynamics = dynamics as IBatchDynamics;
        if (batchDynamics is not null)
        {
            batchStates = new double[samples * n];
            batchNext = new double[samples * n];
            batchControls = new double[samples * m];
        }

        int maxThreads = Math.Clamp(threads == 0 ? Environment.ProcessorCount : threads, 1, samples);
        participants = new Participant[maxThreads];
        for (int i = 0; i < maxThreads; i++) participants[i] = new Participant(dynamics.CreateWorkspace(), (horizon + 1) * n);
        team = new WorkSharing(maxThreads);
        chunks = new SampleChunks(this);
        chunkSize = Math.Max(1, samples / (maxThreads * ChunksPerThread));
        chunkCount = (samples + chunkSize - 1) / chunkSize;
        threadsInUse = threads == 0 ? 1 : maxThreads;
        streams = MakeStreams(seed, samples);
    }

    /// <summary>H.</summary>
    public int Horizon { get; }

    /// <summary>K.</summary>
    public int Samples { get; }

    /// <summary>Threads asked for (0: automatic).</summary>
    public int RequestedThreads { get; }

    /// <summary>Threads the next evaluation will use (in automatic mode: 1 until the first evaluations were timed).</summary>
    public int ThreadsInUse => threadsInUse;

    /// <summary>The controls of every sample of the last evaluation, K x H x m row-major.</summary>
    public double[] Controls { get; }

    /// <summary>The cost of every sample of the last evaluation (+Infinity for a rollout that was not finite).</summary>
    public double[] Costs { get; }

    /// <summary>Sample <paramref name="sample"/>'s H x m controls.</summary>
    public Span<double> SampleControls(int sample) => Controls.AsSpan(sample * Horizon * m, Horizon * m);

    /// <summary>
    /// The error of a planner none of whose samples had a finite cost in <paramref name="iteration"/>: sample 0 is
    /// rolled out again, serially, to name the time step and the quantity (state entry, stage or terminal cost) that
    /// first stopped being finite.
    /// </summary>
    public PlanningException NoFiniteSample(string planner, int iteration, ReadOnlySpan<double> x0)
    {
        string context = $"none of the {Samples} sampled rollouts has a finite cost; sample 0";
        return NonFiniteSearch.Rollout(dynamics, cost, x0, SampleControls(0), Horizon) is { } found
            ? new NonFinitePlanException(planner, iteration, found.TimeStep, found.Quantity, found.Value, context)
            : new PlanningException($"{planner}: {context} is finite when rolled out alone but not in the batch (iteration {iteration}); expected the batched and the single-row model to agree.");
    }

    /// <summary>Restarts every sample's random stream from <paramref name="seed"/> (allocates; not for the hot path).</summary>
    public void Reseed(long seed) => streams = MakeStreams(seed, Samples);

    /// <summary>
    /// Fills every sample's controls with <paramref name="controlSampler"/> and its cost with the rollout's cost
    /// from <paramref name="x0"/> plus the sampler's extra cost.
    /// </summary>
    public void Evaluate(ReadOnlySpan<double> x0, IControlSampler controlSampler)
    {
        ArgumentNullException.ThrowIfNull(controlSampler);
        PlannerChecks.InitialState("SampledRollouts", n, x0);
        x0.CopyTo(start);
        if (batchDynamics is not null)
        {
            EvaluateBatched(controlSampler);
            return;
        }
        sampler = controlSampler;
        bool timing = RequestedThreads == 0 && calibrated < CalibrationEvaluations;
        long begin = timing ? Stopwatch.GetTimestamp() : 0;
        try
        {
            team.Run(chunks, chunkCount, threadsInUse);
        }
        finally
        {
            sampler = null;
        }
        if (timing) Calibrate(Stopwatch.GetTimestamp() - begin);
    }

    /// <summary>
    /// Rolls <paramref name="trajectory"/>'s controls out from <paramref name="x0"/> on the calling thread,
    /// writing its states and its <see cref="Trajectory.Cost"/> (+Infinity when not finite); returns the cost.
    /// </summary>
    public double Rollout(ReadOnlySpan<double> x0, Trajectory trajectory)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        if (trajectory.Horizon != Horizon || trajectory.StateSize != n || trajectory.ControlSize != m)
        {
            throw new ArgumentException(
                $"SampledRollouts: expected a trajectory with H={Horizon}, n={n}, m={m}, got H={trajectory.Horizon}, n={trajectory.StateSize}, m={trajectory.ControlSize}.");
        }
        PlannerChecks.InitialState("SampledRollouts", n, x0);
        x0.CopyTo(trajectory.States);
        trajectory.Cost = Rollout(participants[0].Workspace, trajectory.Controls, trajectory.States);
        return trajectory.Cost;
    }

    // Stage costs along the rollout plus the terminal cost; states[0] holds x0 on entry and x_0..x_H on exit.
    private double Rollout(DynamicsWorkspace workspace, ReadOnlySpan<double> controls, Span<double> states)
    {
        double total = 0;
        for (int t = 0; t < Horizon; t++)
        {
            ReadOnlySpan<double> x = states.Slice(t * n, n);
            ReadOnlySpan<double> u = controls.Slice(t * m, m);
            total += cost.Stage(x, u);
            if (!double.IsFinite(total)) return double.PositiveInfinity;
            dynamics.Step(workspace, x, u, states.Slice((t + 1) * n, n));
        }
        total += cost.Terminal(states.Slice(Horizon * n, n));
        return double.IsFinite(total) ? total : double.PositiveInfinity;
    }

    // Chunk c holds samples c * chunkSize .. (c + 1) * chunkSize - 1, rolled out with team member's own buffers.
    private sealed class SampleChunks(SampledRollouts owner) : IChunkedWork
    {
        public void Run(int member, int chunk)
        {
            int first = chunk * owner.chunkSize, end = Math.Min(owner.Samples, first + owner.chunkSize);
            for (int k = first; k < end; k++) owner.EvaluateSample(owner.participants[member], k);
        }
    }

    // A model that steps many rows at once (a learned network) rolls all K samples forward together, one batched call
    // per time step, on the calling thread. Sampling is the same per-sample streams as the threaded path. A sample
    // whose state or cost stops being finite is frozen at x0 for the rest of the batch and costs +Infinity.
    private void EvaluateBatched(IControlSampler controlSampler)
    {
        int samples = Samples;
        for (int k = 0; k < samples; k++) Costs[k] = controlSampler.Sample(k, streams[k], SampleControls(k));
        for (int k = 0; k < samples; k++) start.CopyTo(batchStates.AsSpan(k * n, n));
        for (int t = 0; t < Horizon; t++)
        {
            for (int k = 0; k < samples; k++)
            {
                ReadOnlySpan<double> u = Controls.AsSpan((k * Horizon + t) * m, m);
                u.CopyTo(batchControls.AsSpan(k * m, m));
                if (double.IsPositiveInfinity(Costs[k])) continue;
                Costs[k] += cost.Stage(batchStates.AsSpan(k * n, n), u);
            }
            batchDynamics!.StepBatch(participants[0].Workspace, batchStates, batchControls, batchNext);
            for (int k = 0; k < samples; k++)
            {
                Span<double> next = batchNext.AsSpan(k * n, n);
                bool finite = double.IsFinite(Costs[k]);
                for (int i = 0; i < n && finite; i++) finite = double.IsFinite(next[i]);
                if (finite) next.CopyTo(batchStates.AsSpan(k * n, n));
                else
                {
                    Costs[k] = double.PositiveInfinity;
                    start.CopyTo(batchStates.AsSpan(k * n, n));
                }
            }
        }
        for (int k = 0; k < samples; k++)
        {
            double total = Costs[k] + cost.Terminal(batchStates.AsSpan(k * n, n));
            Costs[k] = double.IsFinite(total) ? total : double.PositiveInfinity;
        }
    }

    private void EvaluateSample(Participant participant, int k)
    {
        Span<double> controls = SampleControls(k);
        double extra = sampler!.Sample(k, streams[k], controls);
        start.CopyTo(participant.States);
        double total = Rollout(participant.Workspace, controls, participant.States) + extra;
        Costs[k] = double.IsFinite(total) ? total : double.PositiveInfinity;
    }

    // Automatic mode: time the first evaluations on one thread and move to all cores if the fastest of them is
    // slow enough (the fastest, so that JIT compilation of the first one and preemption do not count).
    private void Calibrate(long ticks)
    {
        calibrated++;
        fastestTicks = Math.Min(fastestTicks, ticks);
        if (calibrated == CalibrationEvaluations && (double)fastestTicks / Stopwatch.Frequency > ParallelThreshold.TotalSeconds)
            threadsInUse = participants.Length;
    }

    private static Rng[] MakeStreams(long seed, int samples)
    {
        var root = new Rng(seed);
        var result = new Rng[samples];
        for (int k = 0; k < samples; k++) result[k] = root.Fork(k);
        return result;
    }

    // What one thread needs to roll out: its own model workspace and state buffer.
    private sealed class Participant(DynamicsWorkspace workspace, int stateBufferLength)
    {
        public DynamicsWorkspace Workspace { get; } = workspace;
        public double[] States { get; } = new double[stateBufferLength];
    }
}
