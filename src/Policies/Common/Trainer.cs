using System.Diagnostics;
using Control.Core.Metrics;

namespace Control.Policies.Common;

/// <summary>The training loop.</summary>
public static class Trainer
{
    /// <summary>File name of the checkpoint in the output directory.</summary>
    public const string CheckpointFile = "checkpoint.ctl";

    /// <summary>File name of the metrics log in the output directory.</summary>
    public const string MetricsFile = "metrics.csv";

    /// <summary>
    /// Iterates <paramref name="algorithm"/> until <see cref="TrainerOptions.TotalSteps"/> env steps are taken,
    /// <see cref="TrainerOptions.TotalIterations"/> iterations are done (an offline algorithm, which takes no env steps,
    /// has only this budget), or a callback returns false. Each iteration's metrics go to <see cref="TrainerOptions.Sinks"/> and, with an output
    /// directory, to metrics.csv (a <see cref="CsvMetricsSink"/>); checkpoints are saved there too (adding
    /// <paramref name="describe"/>'s sections, e.g. the run's config, to each). An algorithm that has iterated
    /// already (restored from a checkpoint) continues the directory's metrics.csv: the rows up to its iteration are
    /// kept, later ones (and a torn last row) dropped, and time continues from the last kept row.
    /// </summary>
    public static TrainingResult Train(IAlgorithm algorithm, TrainerOptions options, IReadOnlyList<Func<TrainingProgress, bool>>? callbacks = null,
        Action<Checkpoint>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (options.TotalSteps < 0 || options.TotalIterations < 0 || (options.TotalSteps == 0 && options.TotalIterations == 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), (options.TotalSteps, options.TotalIterations),
                "expected a positive step budget, a positive iteration budget, or both (0 is no budget, negative is refused)");
        }
        if (options.CheckpointEvery < 0) throw new ArgumentOutOfRangeException(nameof(options), options.CheckpointEvery, "expected CheckpointEvery >= 0");
        CsvMetricsSink? log = options.OutputDirectory is not string dir ? null
            : algorithm.Iterations > 0 ? CsvMetricsSink.Continue(Path.Combine(dir, MetricsFile), algorithm.Iterations)
            : new CsvMetricsSink(Path.Combine(dir, MetricsFile));
        TimeSpan before = log?.ElapsedBefore ?? TimeSpan.Zero;
        long stepsBefore = algorithm.EnvSteps;
        int iterationsBefore = algorithm.Iterations;
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, double> metrics = new Dictionary<string, double>();
        bool stopped = false;
        try
        {
            while ((options.TotalSteps == 0 || algorithm.EnvSteps < options.TotalSteps)
                && (options.TotalIterations == 0 || algorithm.Iterations < options.TotalIterations))
            {
                metrics = algorithm.Iterate();
                var progress = new TrainingProgress(algorithm.Iterations, algorithm.EnvSteps, before + clock.Elapsed, metrics);
                var row = new MetricsRow(progress.Iteration, progress.EnvSteps, progress.Elapsed, progress.Metrics);
                log?.Write(row);
                foreach (IMetricsSink sink in options.Sinks) sink.Write(row);
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
        return new TrainingResult(algorithm.EnvSteps, algorithm.Iterations, elapsed, stopped, metrics)
        {
            StepsBefore = stepsBefore, IterationsBefore = iterationsBefore,
        };
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
