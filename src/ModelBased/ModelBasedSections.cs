namespace Control.ModelBased;

/// <summary>
/// Checkpoint sections of the model-based loop (<see cref="ModelBasedLoop.Save"/>) beyond the shared ones of
/// <see cref="Policies.Common.CheckpointSections"/> (its env snapshot is <see cref="Policies.Common.CheckpointSections.Env"/>).
/// </summary>
public static class ModelBasedSections
{
    /// <summary>The loop's <see cref="ModelBasedConfig"/> (JSON): a checkpoint restores only into a loop of the same.</summary>
    public const string Config = "mbrl/config";

    /// <summary>Every transition collected so far.</summary>
    public const string Data = "mbrl/data";

    /// <summary>The iteration records so far, without their wall-clock fields.</summary>
    public const string Iterations = "mbrl/iterations";

    /// <summary>The wall-clock fields of the iteration records (fit seconds, fit throughput): apart, so that every other section of two runs of a seed is byte-equal.</summary>
    public const string Timing = "mbrl/timing";

    /// <summary>The learned model's weights, standardization and fit count (and an ensemble's elites).</summary>
    public const string Model = "model";

    /// <summary>Prefix of the BPTT learner's policies (<see cref="BpttCandidates.Save"/>).</summary>
    public const string Policies = "bptt";
}
