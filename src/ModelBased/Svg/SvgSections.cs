namespace Control.ModelBased.Svg;

/// <summary>Checkpoint sections of the SVG learners beyond the shared ones of <see cref="Policies.Common.CheckpointSections"/>.</summary>
public static class SvgSections
{
    /// <summary>
    /// The policy's float64 weights, to resume exactly (the policy/* sections hold the float32 inference copy that
    /// evaluation and export read).
    /// </summary>
    public const string Actor = "actor";

    /// <summary>The learned model's weights, standardization and fit count.</summary>
    public const string Model = "model";

    /// <summary>The target copy of V.</summary>
    public const string ValueTarget = "value/target";

    /// <summary>The recorded transitions.</summary>
    public const string Replay = "replay";

    /// <summary>The collector's env run state and episode counters.</summary>
    public const string Collector = "collector";

    /// <summary>The learned log entropy weight of SVG(1) (with a target entropy).</summary>
    public const string EntropyWeight = "entropy_weight";

    /// <summary>The Adam state of the learned log entropy weight.</summary>
    public const string EntropyWeightOptimizer = "optimizer/entropy_weight";
}
