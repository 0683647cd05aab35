using System.Text.Json.Serialization;
using Control.Policies.Common;
using Control.Policies.Registry;

namespace Control.Experiments;

/// <summary>
/// The outcome of a training run. Its JSON form is the flat summary below (algo, env, seed, eval_return, ...,
/// checkpoint, and for an offline run dataset and dataset_rows); the full records are for callers in code.
/// </summary>
/// <param name="Run">What the run was (algorithm, env, seed, config).</param>
/// <param name="Training">The trainer's result (env steps, iterations, wall-clock time).</param>
/// <param name="Evaluation">Returns of the deterministic policy over the evaluation episodes.</param>
/// <param name="Checkpoint">Path of the final checkpoint, or null when the run wrote none.</param>
public sealed record TrainReport(
    [property: JsonIgnore] RunDescription Run,
    [property: JsonIgnore] TrainingResult Training,
    [property: JsonIgnore] EvaluationResult Evaluation,
    [property: JsonPropertyOrder(1)] string? Checkpoint)
{
    /// <summary>Algorithm name.</summary>
    public string Algo => Run.Algorithm;

    /// <summary>Env name.</summary>
    public string Env => Run.Env;

    /// <summary>Seed of the run.</summary>
    public long Seed => Run.Seed;

    /// <summary>Mean evaluation return.</summary>
    public double EvalReturn => Evaluation.Mean;

    /// <summary>Standard deviation of the evaluation returns.</summary>
    public double EvalReturnStd => Evaluation.Std;

    /// <summary>
    /// Training throughput: env steps this process trained per second of the training loop's wall time (collection,
    /// updates, the metrics log and checkpoints); 0 when it trained none (a resumed checkpoint already at the budget). The
    /// final evaluation episodes are not in it (their time is <see cref="EvalSeconds"/>).
    /// </summary>
    public double StepsPerSecond => Training.StepsPerSecond;

    /// <summary>Env steps trained, in total.</summary>
    public long EnvSteps => Training.EnvSteps;

    /// <summary>Env steps this process trained (the total less a resumed checkpoint's).</summary>
    public long StepsTrained => Training.StepsTrained;

    /// <summary>Training iterations, in total.</summary>
    public int Iterations => Training.Iterations;

    /// <summary>Wall-clock seconds of the training (this process's part of it), the final evaluation excluded.</summary>
    public double Seconds => Training.Elapsed.TotalSeconds;

    /// <summary>Online runs: wall-clock seconds of the final evaluation episodes, apart from <see cref="Seconds"/> (null, and left out of the JSON, otherwise).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? EvalSeconds { get; init; }

    /// <summary>Offline runs: the dataset learned from (null, and left out of the JSON, for a run on the env).</summary>
    [JsonPropertyOrder(2)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Dataset { get; init; }

    /// <summary>Offline runs: transitions in the dataset (null, and left out of the JSON, for a run on the env).</summary>
    [JsonPropertyOrder(3)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DatasetRows { get; init; }
}
