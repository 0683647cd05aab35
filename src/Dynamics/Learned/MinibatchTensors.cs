using Control.Tensors;

namespace Control.Dynamics.Learned;

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
