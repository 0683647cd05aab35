// Pieces shared by the fits of learned models: range checks of their configs, and the preallocated minibatch and
// holdout tensors that keep the training loop free of per-batch allocations.
namespace Control.Dynamics.Learned;

/// <summary>Range checks shared by the configs of learned models.</summary>
internal static class LearnedConfigChecks
{
    public static void Training(string model, double learningRate, int batchSize, int epochs, double weightDecay,
        double holdoutFraction, int patience, double minimumStd)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentException($"{model}: expected a finite learning rate > 0, got {learningRate}.");
        if (batchSize < 1) throw new ArgumentException($"{model}: expected a batch size >= 1, got {batchSize}.");
        if (epochs < 1) throw new ArgumentException($"{model}: expected epochs >= 1, got {epochs}.");
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentException($"{model}: expected a finite weight decay >= 0, got {weightDecay}.");
        if (!(holdoutFraction >= 0 && holdoutFraction < 1)) throw new ArgumentException($"{model}: expected a holdout fraction in [0, 1), got {holdoutFraction}.");
        if (patience < 1) throw new ArgumentException($"{model}: expected patience >= 1, got {patience}.");
        if (!(minimumStd > 0) || double.IsInfinity(minimumStd)) throw new ArgumentException($"{model}: expected a finite minimum std > 0, got {minimumStd}.");
    }
}
