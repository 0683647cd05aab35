// What a fit of a learned model reports: the learning curves, where early stopping cut, which ensemble members
// were kept, and how fast it went.
namespace Control.Dynamics.Learned;

/// <summary>
/// The record of one fit. Losses are in standardized units (targets (x' - x - mean_out) / std_out), averaged
/// over the ensemble's members for an ensemble.
/// </summary>
public sealed record FitReport
{
    /// <summary>Epochs run (at most the configured maximum; fewer when early stopping cut).</summary>
    public required int Epochs { get; init; }

    /// <summary>Mean training loss of each epoch (MSE for <see cref="MlpDynamics"/>, Gaussian NLL plus the log-variance bound penalty for <see cref="ProbabilisticEnsemble"/>).</summary>
    public required double[] TrainLoss { get; init; }

    /// <summary>Holdout loss after each epoch (the training loss's measure, without the penalty); empty without a holdout.</summary>
    public required double[] HoldoutLoss { get; init; }

    /// <summary>Holdout mean squared error of the mean prediction after each epoch; empty without a holdout.</summary>
    public required double[] HoldoutMse { get; init; }

    /// <summary>Holdout MSE of each member at its kept (best) epoch; one entry for a single MLP; NaN without a holdout.</summary>
    public required double[] MemberHoldoutMse { get; init; }

    /// <summary>Indices of the members the model predicts with, best first (the elites of an ensemble; [0] for an MLP).</summary>
    public required int[] Elites { get; init; }

    /// <summary>Transitions in the training part (the holdout excluded).</summary>
    public required int TrainCount { get; init; }

    /// <summary>Transitions in the holdout part.</summary>
    public required int HoldoutCount { get; init; }

    /// <summary>Wall-clock time of the fit.</summary>
    public required TimeSpan WallTime { get; init; }

    /// <summary>
    /// Training transitions processed per second: epochs x training count / wall time, each transition counted once
    /// however many ensemble members it trained (holdout evaluation included in the time).
    /// </summary>
    public double TransitionsPerSecond => Epochs * (double)TrainCount / Math.Max(WallTime.TotalSeconds, 1e-9);
}
