namespace Control.Policies.Imitation;

/// <summary>What one DAgger iteration did: the rollouts of its mixture policy and the refit on the aggregated data.</summary>
/// <param name="Iteration">The iteration (0-based; iteration 0 runs the expert alone).</param>
/// <param name="Beta">The mixing coefficient: the probability that a step executed the expert's action.</param>
/// <param name="Labels">Expert labels in the aggregated dataset after the iteration (= env steps of every iteration so far).</param>
/// <param name="NewLabels">Labels this iteration added (its env steps).</param>
/// <param name="ExpertActionFraction">Fraction of this iteration's steps that executed the expert's action.</param>
/// <param name="EpisodeSeeds">Reset seeds of this iteration's episodes, in order.</param>
/// <param name="EpisodeReturns">Their returns under the mixture policy (the last one possibly cut at the iteration's label count).</param>
/// <param name="Fit">The refit of the policy on the aggregated data.</param>
/// <param name="FeedbackRows">Rows labelled by the expert's feedback so far, fitted beside the labels (0 without them).</param>
/// <param name="MirroredRows">Mirror images of the labels so far, fitted beside them (0 without them).</param>
public sealed record DaggerIteration(int Iteration, double Beta, int Labels, int NewLabels, double ExpertActionFraction, IReadOnlyList<long> EpisodeSeeds,
    IReadOnlyList<double> EpisodeReturns, BehaviourCloningResult Fit, int FeedbackRows, int MirroredRows)
{
    /// <summary>The metrics of the iteration under namespaced keys (dagger/..., rollout/..., fit/...), the same keys every iteration.</summary>
    public IReadOnlyDictionary<string, double> Metrics() => new Dictionary<string, double>
    {
        ["dagger/beta"] = Beta,
        ["dagger/new_labels"] = NewLabels,
        ["dagger/expert_action_fraction"] = ExpertActionFraction,
        ["rollout/episode_return"] = EpisodeReturns.Count > 0 ? EpisodeReturns.Average() : double.NaN,
        ["fit/train_loss"] = Fit.TrainLoss[^1],
        ["fit/holdout_loss"] = Fit.HoldoutLoss,
        ["fit/epochs"] = Fit.Epochs,
        ["dagger/feedback_rows"] = FeedbackRows,
        ["dagger/mirrored_rows"] = MirroredRows,
    };
}
