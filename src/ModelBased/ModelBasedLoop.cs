// The model-based loop of Fragkiadaki's lecture notes "End-to-end Model Based Reinforcement Learning": collect transitions with a base policy, fit a model f_phi(x, u) to them,
// plan through the frozen model, run the planner on the real system, append what it visited, and refit (data
// aggregation). The planner and the model are pluggable, so the same loop is `mpc-ilqr`, `mpc-cem` and `pets`
// (an ensemble with trajectory-sampling CEM); `bptt` swaps the planner for a policy trained through the model.
// Between one iteration's run and the next fit (an iteration boundary) the loop can be saved to a checkpoint and
// restored: the transitions, the iteration records, the env's snapshot and the learner's state are all that carries
// across a boundary (every planner, watch and collection generator is made anew from the seed), so a restored loop
// continues bit-exactly as the one saved.
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Core.Models;
using Control.Dynamics.Data;
using Control.Policies.Common;

namespace Control.ModelBased;

/// <summary>The model-based loop; deterministic for a seed.</summary>
public sealed class ModelBasedLoop(IEnv env, IModelLearner learner, ModelBasedConfig? config = null)
{
    private readonly ModelBasedConfig config = Check(config ?? new ModelBasedConfig());
    private readonly List<ModelBasedIteration> iterations = [];
    private bool collected;

    /// <summary>The settings.</summary>
    public ModelBasedConfig Config => config;

    /// <summary>All transitions collected so far.</summary>
    public TransitionDataset Data { get; } = Dataset(env);

    /// <summary>The iterations run so far (restored ones included).</summary>
    public IReadOnlyList<ModelBasedIteration> Iterations => iterations;

    /// <summary>
    /// Runs the loop, from its start or from the boundary <see cref="Restore"/> set, until
    /// <see cref="ModelBasedConfig.TotalSteps"/> real steps are used, then fits the model once more on everything;
    /// reports each iteration to <paramref name="progress"/> and each iteration boundary (after the random
    /// collection, and after every iteration's run) to <paramref name="boundary"/>, where <see cref="Save"/> may be called.
    /// Returns every iteration, restored ones included.
    /// </summary>
    public IReadOnlyList<ModelBasedIteration> Run(Action<ModelBasedIteration>? progress = null, Action<ModelBasedLoop>? boundary = null)
    {
        if (!collected)
        {
            TransitionCollector.Collect(env, null, Math.Min(config.RandomSteps, config.TotalSteps), config.Seed, Data);
            collected = true;
            boundary?.Invoke(this);
        }
        double worst = iterations.Count > 0 ? iterations[^1].WorstEpisodeReturn : double.NaN;
        for (int iteration = iterations.Count + 1; Data.Count < config.TotalSteps; iteration++)
        {
            long start = Stopwatch.GetTimestamp();
            ModelFit fit = learner.Fit(Data);
            double fitSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

            int before = Data.Count;
            int steps = Math.Min(config.StepsPerIteration, config.TotalSteps - before);
            IPolicy controller = learner.Controller(Data);
            IReadOnlyList<double> returns = TransitionCollector.Collect(env, controller, steps, config.Seed + 1000 * iteration, Data);
            foreach (double r in returns) worst = double.IsNaN(worst) ? r : Math.Min(worst, r);
            var record = new ModelBasedIteration(Data.Count, fit.HoldoutLoss, MultiStepError(learner.Model, Data, before, config.MultiStepHorizon),
                returns.Count > 0 ? returns[^1] : double.NaN, fitSeconds, fit.TransitionsPerSecond, worst, WatchedMpc.FallbacksOf(controller));
            iterations.Add(record);
            progress?.Invoke(record);
            boundary?.Invoke(this);
        }
        learner.Fit(Data);
        return iterations;
    }

    /// <summary>
    /// Stores the loop at an iteration boundary: its config, the transitions, the iteration records (their
    /// wall-clock fields in a section apart), the env's snapshot and the learner's state (<see cref="IModelLearner.Save"/>).
    /// </summary>
    public void Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.PutJson(ModelBasedSections.Config, config);
        checkpoint.Put(ModelBasedSections.Data, Data.Write);
        checkpoint.Put(ModelBasedSections.Iterations, w =>
        {
            w.Write(iterations.Count);
            foreach (ModelBasedIteration it in iterations)
            {
                w.Write(it.EnvSteps);
                w.Write(it.HoldoutLoss);
                w.Write(it.MultiStepError);
                w.Write(it.EpisodeReturn);
                w.Write(it.WorstEpisodeReturn);
                w.Write(it.Fallbacks);
            }
        });
        checkpoint.Put(ModelBasedSections.Timing, w =>
        {
            w.Write(iterations.Count);
            foreach (ModelBasedIteration it in iterations)
            {
                w.Write(it.FitSeconds);
                w.Write(it.FitTransitionsPerSecond);
            }
        });
        checkpoint.Put(CheckpointSections.Env, w =>
        {
            w.Write(env is ISnapshotEnv);
            (env as ISnapshotEnv)?.WriteSnapshot(w);
        });
        learner.Save(checkpoint);
    }

    /// <summary>
    /// Continues from the boundary <see cref="Save"/> stored, in a loop made the same way (same env, learner and
    /// config); the next <see cref="Run"/> goes on from there. The transitions and records are read and checked
    /// before anything changes; a failure in the env's snapshot or the learner's sections may leave those half restored.
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint is of a loop with another config, or a section is missing or does not fit.</exception>
    public void Restore(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string where = checkpoint.Source ?? "checkpoint";
        ModelBasedConfig stored = checkpoint.GetJson<ModelBasedConfig>(ModelBasedSections.Config);
        if (stored != config)
            throw new CheckpointException($"{where}: the checkpoint is of a model-based loop with {stored}; expected {config}.");
        var data = new TransitionDataset(Data.StateSize, Data.ControlSize);
        checkpoint.Read(ModelBasedSections.Data, data.Read);
        ModelBasedIteration[] records = checkpoint.Get(ModelBasedSections.Iterations, r =>
        {
            var read = new ModelBasedIteration[Checkpoint.ReadCount(r, 40, "iteration count")];
            for (int i = 0; i < read.Length; i++)
            {
                read[i] = new ModelBasedIteration(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), double.NaN, double.NaN, r.ReadDouble(), r.ReadInt32());
                if (read[i].EnvSteps > data.Count || (i > 0 && read[i].EnvSteps <= read[i - 1].EnvSteps))
                    throw new InvalidDataException($"iteration {i + 1}: expected env steps above the previous iteration's and at most the {data.Count} transitions stored, got {read[i].EnvSteps}");
            }
            return read;
        });
        checkpoint.Read(ModelBasedSections.Timing, r =>
        {
            int count = r.ReadInt32();
            if (count != records.Length) throw new InvalidDataException($"expected the timing of {records.Length} iterations, got {count}");
            for (int i = 0; i < count; i++) records[i] = records[i] with { FitSeconds = r.ReadDouble(), FitTransitionsPerSecond = r.ReadDouble() };
        });
        if (data.Count == 0)
            throw new CheckpointException($"{where}: expected at least the random collection's transitions, got none.");
        if (records.Length > 0 && records[^1].EnvSteps != data.Count)
            throw new CheckpointException($"{where}: expected the transitions to end where the last iteration did ({records[^1].EnvSteps} env steps), got {data.Count} rows.");
        checkpoint.Read(CheckpointSections.Env, r =>
        {
            bool snapshot = r.ReadBoolean();
            if (snapshot != env is ISnapshotEnv)
                throw new InvalidDataException($"expected {(env is ISnapshotEnv ? "a snapshot of env " + env.Name : "no env snapshot")}, the checkpoint has {(snapshot ? "one" : "none")}");
            (env as ISnapshotEnv)?.ReadSnapshot(r);
        });
        learner.Restore(checkpoint);
        Data.Clear();
        Data.Append(data);
        iterations.Clear();
        iterations.AddRange(records);
        collected = true;
    }

    /// <summary>
    /// Mean squared error of open-loop predictions: from every H-th row in [from, Count) the model is rolled H
    /// steps along the recorded controls and compared with the recorded states (windows stop at episode ends).
    /// </summary>
    public static double MultiStepError(IDynamics model, TransitionDataset data, int from, int horizon)
    {
        int n = data.StateSize, m = data.ControlSize;
        DynamicsWorkspace workspace = model.CreateWorkspace();
        var x = new double[n];
        var next = new double[n];
        double total = 0;
        int count = 0;
        for (int start = from; start + horizon <= data.Count; start += horizon)
        {
            data.States.Slice(start * n, n).CopyTo(x);
            for (int k = 0; k < horizon; k++)
            {
                int row = start + k;
                if (k > 0 && !Same(data.NextStates.Slice((row - 1) * n, n), data.States.Slice(row * n, n))) break;
                model.Step(workspace, x, data.Controls.Slice(row * m, m), next);
                ReadOnlySpan<double> truth = data.NextStates.Slice(row * n, n);
                for (int i = 0; i < n; i++) total += (next[i] - truth[i]) * (next[i] - truth[i]);
                count += n;
                next.CopyTo(x, 0);
            }
        }
        return count == 0 ? double.NaN : total / count;
    }

    /// <summary>Mean return of <paramref name="episodes"/> seeded episodes of <paramref name="policy"/> (null: uniform random actions).</summary>
    public static double Evaluate(IEnv env, IPolicy? policy, int episodes, long seed) => episodes > 0 ? EvaluateEpisodes(env, policy, episodes, seed).Average() : double.NaN;

    /// <summary>The return of each of <paramref name="episodes"/> seeded episodes (seeds <paramref name="seed"/> + k) of <paramref name="policy"/> (null: uniform random actions).</summary>
    public static double[] EvaluateEpisodes(IEnv env, IPolicy? policy, int episodes, long seed)
    {
        var returns = new double[episodes];
        for (int e = 0; e < episodes; e++)
        {
            IPolicy actor = policy ?? new RandomPolicy(env, seed + e);
            returns[e] = ClosedLoop.Run(env, actor, seed + e).Return;
        }
        return returns;
    }

    private static bool Same(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => a.SequenceEqual(b);

    private static TransitionDataset Dataset(IEnv env)
    {
        IStatefulEnv stateful = env.Find<IStatefulEnv>() ?? throw new ArgumentException(
            $"model-based loop: env '{env.Name}' does not expose its state (IStatefulEnv); the loop learns x' = f(x, u) on states.");
        return new TransitionDataset(stateful.StateSize, env.ActionSpace.FlatSize);
    }

    private static ModelBasedConfig Check(ModelBasedConfig c)
    {
        if (c.TotalSteps < 1) throw new ArgumentOutOfRangeException(nameof(c.TotalSteps), c.TotalSteps, "model-based loop: expected TotalSteps >= 1.");
        if (c.RandomSteps < 1) throw new ArgumentOutOfRangeException(nameof(c.RandomSteps), c.RandomSteps, "model-based loop: expected RandomSteps >= 1 (the first fit needs data).");
        if (c.StepsPerIteration < 1) throw new ArgumentOutOfRangeException(nameof(c.StepsPerIteration), c.StepsPerIteration, "model-based loop: expected StepsPerIteration >= 1.");
        if (c.MultiStepHorizon < 1) throw new ArgumentOutOfRangeException(nameof(c.MultiStepHorizon), c.MultiStepHorizon, "model-based loop: expected MultiStepHorizon >= 1.");
        return c;
    }

    // Uniform random actions from the env's action space, seeded; acts on the state only to satisfy IPolicy.
    private sealed class RandomPolicy(IEnv env, long seed) : IPolicy
    {
        private readonly Rng rng = new(seed);

        public int ObservationSize { get; } = env.Find<IStatefulEnv>()!.StateSize;
        public int ActionSize { get; } = env.ActionSpace.FlatSize;
        public void Act(ReadOnlySpan<double> observation, Span<double> action) => env.ActionSpace.Sample(rng, action);
        public void Reset() { }
    }
}
