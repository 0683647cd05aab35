// Holdout-based early stopping with a snapshot of the best parameters: training stops once the holdout loss has
// not improved for `patience` epochs, and the module goes back to the parameters of its best epoch.
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Dynamics.Learned;

/// <summary>
/// Tracks the best holdout loss of one module and keeps a copy of its parameters at that epoch: the early stopping of
/// the learned models' fits and of behaviour cloning.
/// </summary>
/// <param name="module">The module whose parameters are snapshotted and restored.</param>
/// <param name="patience">Epochs without a significant improvement after which <see cref="Stalled"/> is true.</param>
public sealed class EarlyStopping(Module module, int patience)
{
    // An epoch counts as an improvement when it lowers the best loss by more than this fraction (as MBPO's 1%,
    // but finer, because small models on clean data keep improving slowly).
    private const double RelativeImprovement = 1e-3;

    private Tensor? best;
    private int epochsWithoutProgress;

    /// <summary>Lowest holdout loss seen.</summary>
    public double BestLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>Epoch (1-based) of <see cref="BestLoss"/>; 0 before any.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Whether the last <c>patience</c> epochs brought no improvement.</summary>
    public bool Stalled => epochsWithoutProgress >= patience;

    /// <summary>
    /// Records the holdout loss of <paramref name="epoch"/>: snapshots the parameters whenever the loss is the lowest
    /// so far, and restarts the patience count only when it improved by a meaningful fraction.
    /// </summary>
    public void Observe(double loss, int epoch)
    {
        bool significant = double.IsPositiveInfinity(BestLoss) || loss < BestLoss - RelativeImprovement * Math.Abs(BestLoss);
        if (loss < BestLoss)
        {
            BestLoss = loss;
            BestEpoch = epoch;
            using (TensorScope.Suspend()) best = module.FlattenParameters();
        }
        epochsWithoutProgress = significant ? 0 : epochsWithoutProgress + 1;
    }

    /// <summary>Puts the parameters of the best epoch back into the module.</summary>
    public void Restore()
    {
        if (best is not null) module.LoadFlatParameters(best);
    }
}
