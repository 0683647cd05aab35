// Pieces shared by the fits of learned models: range checks of their configs, and the preallocated minibatch and
// holdout tensors that keep the training loop free of per-batch allocations.
using Control.Tensors;

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

/// <summary>
/// Preallocated minibatch tensors of one fit (a full-size pair and a pair for the last, shorter batch) and the
/// whole holdout part as one pair; all outside any scope, so the training loop allocates no batch memory.
/// </summary>
internal sealed class MinibatchTensors
{
    private readonly TransitionSet data;
    private readonly Tensor fullInputs, fullTargets;
    private readonly Tensor? tailInputs, tailTargets;

    public MinibatchTensors(TransitionSet data, int batchSize, DType dtype)
    {
        this.data = data;
        int train = data.TrainRows.Length, full = Math.Min(batchSize, train), tail = train % full;
        using (TensorScope.Suspend())
        {
            fullInputs = Tensor.Zeros(dtype, full, data.InputSize);
            fullTargets = Tensor.Zeros(dtype, full, data.OutputSize);
            if (tail > 0)
            {
                tailInputs = Tensor.Zeros(dtype, tail, data.InputSize);
                tailTargets = Tensor.Zeros(dtype, tail, data.OutputSize);
            }
            if (data.HoldoutRows.Length > 0)
            {
                HoldoutInputs = Tensor.Zeros(dtype, data.HoldoutRows.Length, data.InputSize);
                HoldoutTargets = Tensor.Zeros(dtype, data.HoldoutRows.Length, data.OutputSize);
                data.Gather(data.HoldoutRows, HoldoutInputs, HoldoutTargets);
            }
        }
    }

    /// <summary>Standardized holdout inputs (H, n + m), or null without a holdout.</summary>
    public Tensor? HoldoutInputs { get; }

    /// <summary>Standardized holdout targets (H, n), or null without a holdout.</summary>
    public Tensor? HoldoutTargets { get; }

    /// <summary>The given training rows copied into the batch tensors of their size.</summary>
    public (Tensor Inputs, Tensor Targets) Load(ReadOnlySpan<int> rows)
    {
        (Tensor z, Tensor y) = rows.Length == fullInputs.Dim(0) ? (fullInputs, fullTargets) : (tailInputs!, tailTargets!);
        data.Gather(rows, z, y);
        return (z, y);
    }
}
