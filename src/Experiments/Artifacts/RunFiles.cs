// The files a run leaves in its output directory (--out DIR), by the command that writes them, so that
// `control plot` and `control report` find them by name. Every one is written atomically (AtomicFile): a reader
// sees the old file or the whole new one, never half of one.
using System.Text;
using System.Text.Json;
using Control.Core;

namespace Control.Experiments.Artifacts;

/// <summary>File names of a run directory, and their atomic writers.</summary>
public static class RunFiles
{
    /// <summary>`control train` and `control distill`: a row per iteration (iteration, env_steps, time_s, then the algorithm's metrics).</summary>
    public const string Metrics = "metrics.csv";

    /// <summary>`control train`: the checkpoint, whose run section holds the algorithm, env, seed and config.</summary>
    public const string Checkpoint = "checkpoint.ctl";

    /// <summary>Every command with --out: the command's --json output, one object.</summary>
    public const string Summary = "summary.json";

    /// <summary>`control mbrl`: a row per refit-and-run iteration (env_steps, holdout_loss, multi_step_error, episode_return, fit_seconds).</summary>
    public const string ModelBasedIterations = "mbrl.csv";

    /// <summary>`control mbrl`: the model-based loop's checkpoint at its last iteration boundary (for `control mbrl --resume`).</summary>
    public const string ModelBasedCheckpoint = "mbrl.ctl";

    /// <summary>`control plan`: a row per step (time_s, x0.., u0.., reward).</summary>
    public const string Trajectory = "trajectory.csv";

    /// <summary>`control plan`: a row per replan (replan, ms, iterations); replan 0 is the cold one.</summary>
    public const string Replans = "replans.csv";

    /// <summary>`control run`: a row per control-loop tick (tick, busy_us, policy_us, jitter_us).</summary>
    public const string Ticks = "ticks.csv";

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically (UTF-8, no byte-order mark).</summary>
    public static void WriteText(string path, string text) => AtomicFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(text)));

    /// <summary>Writes <paramref name="report"/> as DIR/summary.json (the run reports' JSON form) atomically, creating DIR.</summary>
    public static string WriteSummary(string directory, object report)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, Summary);
        WriteText(path, JsonSerializer.Serialize(report, report.GetType(), ExperimentJson.Options) + "\n");
        return path;
    }
}
