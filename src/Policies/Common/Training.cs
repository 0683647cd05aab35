// The training plumbing every algorithm shares: the IAlgorithm contract (one Iterate = collect + update),
// the Trainer loop (step budget, callbacks that can stop it, CSV metrics, periodic checkpoints), evaluation
// episodes, and PolicyActor, which turns a trained policy into the IPolicy that controllers and the CLI use.
using System.Diagnostics;
using System.Globalization;
using Control.Dynamics;
using Control.Tensors;

namespace Control.Policies;

/// <summary>
/// A training algorithm bound to its env. <see cref="Iterate"/> runs one iteration (collect experience, update);
/// metrics use namespaced keys ("rollout/episode_return", "train/policy_loss", ...), the same set every iteration.
/// </summary>
public interface IAlgorithm
{
    /// <summary>Short name, as on the command line ("ppo", "dqn").</summary>
    string Name { get; }

    /// <summary>Env steps taken so far (all copies of a vector env).</summary>
    long EnvSteps { get; }

    /// <summary>Iterations done so far.</summary>
    int Iterations { get; }

    /// <summary>One iteration: collect experience, update; returns the iteration's metrics.</summary>
    IReadOnlyDictionary<string, double> Iterate();

    /// <summary>The current policy acting on raw env observations (any observation filter applied, frozen).</summary>
    IPolicy Policy(bool deterministic, long seed = 0);

    /// <summary>Adds everything needed to resume exactly (weights, optimizer, statistics, generators, envs, counters).</summary>
    void Save(Checkpoint checkpoint);

    /// <summary>Restores what <see cref="Save"/> wrote into an algorithm made with the same config and env.</summary>
    /// <exception cref="CheckpointException">The checkpoint does not fit this algorithm.</exception>
    void Load(Checkpoint checkpoint);
}

/// <summary>Progress reported to callbacks after every iteration.</summary>
/// <param name="Iteration">Iterations done.</param>
/// <param name="EnvSteps">Env steps taken.</param>
/// <param name="Elapsed">Wall time since the start of <see cref="Trainer.Train"/>.</param>
/// <param name="Metrics">The iteration's metrics.</param>
public readonly record struct TrainingProgress(int Iteration, long EnvSteps, TimeSpan Elapsed, IReadOnlyDictionary<string, double> Metrics);

/// <summary>Settings of <see cref="Trainer.Train"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>Stop once this many env steps are taken (checked after each iteration).</summary>
    public long TotalSteps { get; init; } = 100_000;

    /// <summary>Directory for metrics.csv and checkpoints; null writes nothing.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Save a checkpoint every this many iterations (0: only at the end). Needs <see cref="OutputDirectory"/>.</summary>
    public int CheckpointEvery { get; init; }
}

/// <summary>What a training run did.</summary>
/// <param name="EnvSteps">Env steps taken.</param>
/// <param name="Iterations">Iterations run.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="StoppedByCallback">Whether a callback ended the run before the step budget.</param>
/// <param name="LastMetrics">Metrics of the last iteration.</param>
public sealed record TrainingResult(long EnvSteps, int Iterations, TimeSpan Elapsed, bool StoppedByCallback, IReadOnlyDictionary<string, double> LastMetrics)
{
    /// <summary>Env steps per second of wall time (collection and updates together).</summary>
    public double StepsPerSecond => Elapsed.TotalSeconds > 0 ? EnvSteps / Elapsed.TotalSeconds : 0;
}

/// <summary>The training loop.</summary>
public static class Trainer
{
    /// <summary>File name of the checkpoint in the output directory.</summary>
    public const string CheckpointFile = "checkpoint.ctl";

    /// <summary>File name of the metrics log in the output directory.</summary>
    public const string MetricsFile = "metrics.csv";

    /// <summary>
    /// Iterates <paramref name="algorithm"/> until <see cref="TrainerOptions.TotalSteps"/> env steps are taken or a
    /// callback returns false. With an output directory, appends each iteration's metrics to metrics.csv and saves
    /// checkpoints (adding <paramref name="describe"/>'s sections, e.g. the run's config, to each).
    /// </summary>
    public static TrainingResult Train(IAlgorithm algorithm, TrainerOptions options, IReadOnlyList<Func<TrainingProgress, bool>>? callbacks = null,
        Action<Checkpoint>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (options.TotalSteps <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.TotalSteps, "expected a positive step budget");
        if (options.CheckpointEvery < 0) throw new ArgumentOutOfRangeException(nameof(options), options.CheckpointEvery, "expected CheckpointEvery >= 0");
        MetricsLog? log = options.OutputDirectory is string dir ? new MetricsLog(Path.Combine(dir, MetricsFile)) : null;
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, double> metrics = new Dictionary<string, double>();
        bool stopped = false;
        try
        {
            while (algorithm.EnvSteps < options.TotalSteps)
            {
                metrics = algorithm.Iterate();
                var progress = new TrainingProgress(algorithm.Iterations, algorithm.EnvSteps, clock.Elapsed, metrics);
                log?.Append(progress);
                if (options.OutputDirectory is not null && options.CheckpointEvery > 0 && algorithm.Iterations % options.CheckpointEvery == 0)
                    SaveCheckpoint(algorithm, options.OutputDirectory, describe);
                if (callbacks is not null && callbacks.Any(c => !c(progress)))
                {
                    stopped = true;
                    break;
                }
            }
        }
        finally
        {
            log?.Dispose();
        }
        var elapsed = clock.Elapsed;
        if (options.OutputDirectory is not null) SaveCheckpoint(algorithm, options.OutputDirectory, describe);
        return new TrainingResult(algorithm.EnvSteps, algorithm.Iterations, elapsed, stopped, metrics);
    }

    /// <summary>Writes the algorithm's checkpoint (and the described sections) to DIR/checkpoint.ctl.</summary>
    public static string SaveCheckpoint(IAlgorithm algorithm, string directory, Action<Checkpoint>? describe = null)
    {
        var checkpoint = new Checkpoint();
        describe?.Invoke(checkpoint);
        algorithm.Save(checkpoint);
        string path = Path.Combine(directory, CheckpointFile);
        checkpoint.Save(path);
        return path;
    }
}

/// <summary>Mean and spread of evaluation returns.</summary>
/// <param name="Returns">Return of each episode.</param>
/// <param name="Lengths">Length of each episode.</param>
public sealed record EvaluationResult(double[] Returns, int[] Lengths)
{
    /// <summary>Mean return.</summary>
    public double Mean => Returns.Length == 0 ? double.NaN : Returns.Average();

    /// <summary>Population standard deviation of the returns.</summary>
    public double Std => Returns.Length == 0 ? double.NaN : Math.Sqrt(Returns.Select(r => (r - Mean) * (r - Mean)).Average());
}

/// <summary>Evaluation episodes.</summary>
public static class Evaluation
{
    /// <summary>
    /// Runs <paramref name="episodes"/> episodes of <paramref name="policy"/> on envs made by
    /// <paramref name="makeEnv"/>(seed + k) (each ends by its own termination or time limit); episode k is reset with seed + k.
    /// </summary>
    public static EvaluationResult Run(IPolicy policy, Func<long, IEnv> makeEnv, int episodes, long seed, int maxSteps = 100_000)
    {
        if (episodes <= 0) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "expected at least one episode");
        var returns = new double[episodes];
        var lengths = new int[episodes];
        for (int k = 0; k < episodes; k++)
        {
            IEnv env = makeEnv(seed + k);
            var observation = new double[env.ObservationSpace.FlatSize];
            var action = new double[env.ActionSpace.FlatSize];
            env.Reset(observation, seed + k);
            policy.Reset();
            double total = 0;
            int steps = 0;
            while (steps < maxSteps)
            {
                policy.Act(observation, action);
                StepResult r = env.Step(action, observation);
                total += r.Reward;
                steps++;
                if (r.Done) break;
            }
            returns[k] = total;
            lengths[k] = steps;
        }
        return new EvaluationResult(returns, lengths);
    }
}

/// <summary>
/// A trained stochastic policy as an <see cref="IPolicy"/>: filters the raw observation with the frozen training
/// statistics (if any), then takes the mode (deterministic) or samples with its own seeded generator.
/// </summary>
public sealed class PolicyActor : IPolicy
{
    private readonly StochasticPolicy policy;
    private readonly ObservationFilter? filter;
    private readonly bool deterministic;
    private readonly Rng rng;
    private readonly float[] input;

    /// <summary>Acts with <paramref name="policy"/>; <paramref name="filter"/> is used read-only.</summary>
    public PolicyActor(StochasticPolicy policy, ObservationFilter? filter, bool deterministic, long seed = 0)
    {
        this.policy = policy ?? throw new ArgumentNullException(nameof(policy));
        this.filter = filter;
        this.deterministic = deterministic;
        rng = new Rng(seed);
        input = new float[policy.ObservationSize];
    }

    /// <inheritdoc />
    public int ObservationSize => policy.ObservationSize;

    /// <inheritdoc />
    public int ActionSize => policy.ActionSize;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        if (observation.Length != ObservationSize || action.Length != ActionSize)
            throw new ArgumentException($"PolicyActor: expected an observation of {ObservationSize} and an action buffer of {ActionSize}, got {observation.Length} and {action.Length}.");
        if (filter is null)
        {
            for (int i = 0; i < input.Length; i++) input[i] = (float)observation[i];
        }
        else
        {
            bool training = filter.Training;
            filter.Training = false;
            filter.Apply(observation, input);
            filter.Training = training;
        }
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        IActionDistribution pi = policy.Distribution(Tensor.FromArray(input, 1, input.Length));
        if (deterministic) pi.Mode(action);
        else pi.Sample(rng, action);
        if (policy.ActionSpace is Box box) box.Clip(action);
    }

    /// <inheritdoc />
    public void Reset() { }
}

/// <summary>
/// Appends one CSV row per iteration: iteration, env_steps, time_s, then the metric keys of the first row in
/// sorted order (the header). Rows are flushed as written so that a crash loses nothing already logged.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter writer;
    private string[]? keys;

    /// <summary>Creates (or truncates) the log at <paramref name="path"/>.</summary>
    public MetricsLog(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        writer = new StreamWriter(path, append: false) { AutoFlush = true };
    }

    /// <summary>Writes a row (and the header before the first).</summary>
    /// <exception cref="ArgumentException">A row's keys differ from the header's.</exception>
    public void Append(TrainingProgress progress)
    {
        if (keys is null)
        {
            keys = progress.Metrics.Keys.Order(StringComparer.Ordinal).ToArray();
            writer.WriteLine(string.Join(",", new[] { "iteration", "env_steps", "time_s" }.Concat(keys)));
        }
        else if (progress.Metrics.Count != keys.Length || keys.Any(k => !progress.Metrics.ContainsKey(k)))
        {
            throw new ArgumentException($"MetricsLog: expected the metric keys {string.Join(", ", keys)}, got {string.Join(", ", progress.Metrics.Keys)}.");
        }
        var cells = new List<string>
        {
            progress.Iteration.ToString(CultureInfo.InvariantCulture),
            progress.EnvSteps.ToString(CultureInfo.InvariantCulture),
            progress.Elapsed.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        };
        cells.AddRange(keys.Select(k => progress.Metrics[k].ToString("R", CultureInfo.InvariantCulture)));
        writer.WriteLine(string.Join(",", cells));
    }

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();
}
