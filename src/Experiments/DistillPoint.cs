namespace Control.Experiments;

/// <summary>The distilled policy after one DAgger iteration (or after behaviour cloning's one fit).</summary>
/// <param name="Iteration">Iterations done (1 after the first).</param>
/// <param name="Labels">Expert labels used so far.</param>
/// <param name="Beta">The iteration's mixing coefficient (1 for behaviour cloning).</param>
/// <param name="PolicyReturn">Mean return of the policy on the evaluation episodes.</param>
/// <param name="Score">(policy - random) / (expert - random) on those episodes.</param>
/// <param name="HoldoutLoss">The fit's holdout loss.</param>
/// <param name="Epochs">Epochs of the fit.</param>
/// <param name="ValidationReturn">Mean return of the policy on the validation episodes (NaN without them).</param>
public sealed record DistillPoint(int Iteration, int Labels, double Beta, double PolicyReturn, double Score, double HoldoutLoss, int Epochs, double ValidationReturn);
