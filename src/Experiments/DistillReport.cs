using System.Text.Json.Serialization;

namespace Control.Experiments;

/// <summary>What a distillation gave: the policy beside its expert and a random policy on the same evaluation episodes, and their speeds.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Expert">The expert as requested (a planner name or checkpoint:FILE).</param>
/// <param name="Method">"bc" or "dagger".</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="EnvSteps">Expert labels used (env steps of the labelled episodes).</param>
/// <param name="FeedbackRows">Rows labelled by the expert's feedback gain, fitted beside the labels (0 without them; not labels: no expert call made them).</param>
/// <param name="MirroredRows">Mirror images of the labels fitted beside them (0 without them; not labels either).</param>
/// <param name="Iterations">Refits (DAgger iterations; 1 for behaviour cloning).</param>
/// <param name="SelectedIteration">The refit returned (1-based): the best on the validation episodes, or the last without them.</param>
/// <param name="ExpertReturn">Mean return of the expert on the evaluation episodes.</param>
/// <param name="PolicyReturn">Mean return of the distilled policy returned (deterministic) on the same episodes.</param>
/// <param name="RandomReturn">Mean return of uniform random actions on the same episodes.</param>
/// <param name="ExpertMsPerAction">
/// Mean wall-clock time of one expert action (ms; a replan for MPC, the cold first one of each episode included) over the
/// states of its first <see cref="DistillRun.TimedEpisodes"/> evaluation episodes.
/// </param>
/// <param name="PolicyUsPerAction">
/// Mean wall-clock time of one action of the distilled policy (us) on the same states, timed after each of the expert's
/// episodes over that episode's states in a loop of its own, as a controller running only the policy calls it (the median
/// of five such loops).
/// </param>
/// <param name="HoldoutLoss">Holdout loss of the returned refit's fit (null when too few labels left a holdout: fewer than 10).</param>
/// <param name="Seconds">Wall-clock seconds of the whole run.</param>
/// <param name="Checkpoint">The checkpoint written, or null.</param>
/// <param name="Curve">The policy after every refit (not in the JSON form).</param>
public sealed record DistillReport(string Env, string Expert, string Method, long Seed, int EnvSteps, int FeedbackRows, int MirroredRows, int Iterations, int SelectedIteration, double ExpertReturn, double PolicyReturn,
    double RandomReturn, double ExpertMsPerAction, double PolicyUsPerAction, double? HoldoutLoss, double Seconds, string? Checkpoint,
    [property: JsonIgnore] IReadOnlyList<DistillPoint> Curve)
{
    /// <summary>(policy - random) / (expert - random): 1 when the policy does as well as its expert.</summary>
    public double Score => (PolicyReturn - RandomReturn) / (ExpertReturn - RandomReturn);

    /// <summary>How many times faster the policy acts than its expert.</summary>
    public double Speedup => 1000 * ExpertMsPerAction / PolicyUsPerAction;
}
