using Control.Policies.Common;

namespace Control.Policies.Imitation;

/// <summary>
/// What <see cref="BehaviourCloning.Fit(ReadOnlySpan{double}, ReadOnlySpan{double}, Core.Envs.Space, Core.Envs.Space, BehaviourCloningConfig, long)"/>
/// gives: the policy (at the epoch of the lowest holdout loss) and its learning curves. Losses are the fit's objective:
/// the mean squared error of the standardized actions (deterministic head), their Gaussian negative log-likelihood per
/// action value (Gaussian head), or the cross-entropy (Discrete actions; per action value over its levels, binned head).
/// </summary>
/// <param name="Policy">The fitted policy, acting on raw observations.</param>
/// <param name="HoldoutLoss">Holdout loss of the kept epoch (NaN without a holdout).</param>
/// <param name="BestEpoch">The epoch kept (1-based; the last one without a holdout).</param>
/// <param name="TrainLoss">Mean training loss of each epoch run.</param>
/// <param name="HoldoutLosses">Holdout loss after each epoch run (empty without a holdout).</param>
/// <param name="TrainCount">Rows trained on.</param>
/// <param name="HoldoutCount">Rows held out.</param>
/// <param name="EpochSeconds">Wall-clock seconds from the start of the fit to the end of each epoch run.</param>
public sealed record BehaviourCloningResult(InferencePolicy Policy, double HoldoutLoss, int BestEpoch, IReadOnlyList<double> TrainLoss,
    IReadOnlyList<double> HoldoutLosses, int TrainCount, int HoldoutCount, IReadOnlyList<double> EpochSeconds)
{
    /// <summary>Epochs run (fewer than the configured maximum when early stopping cut).</summary>
    public int Epochs => TrainLoss.Count;
}
