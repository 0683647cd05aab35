using Control.Core.Models;
using Control.Tensors;

namespace Control.Dynamics.Learned;

/// <summary>Scratch of one thread for a <see cref="LearnedDynamics"/>: the one-row input tensor and small buffers.</summary>
internal sealed class LearnedWorkspace : DynamicsWorkspace
{
    public LearnedWorkspace(LearnedDynamics model)
    {
        Model = model;
        int width = model.StateSize + model.ControlSize;
        using (TensorScope.Suspend()) Row = Tensor.Zeros(model.Precision, 1, width);
        ClippedRow = new double[width];
    }

    /// <summary>The model that made the workspace.</summary>
    public LearnedDynamics Model { get; }

    /// <summary>One standardized input row (1, n + m), outside any scope.</summary>
    public Tensor Row { get; }

    /// <summary>One row of (x, u) in doubles while it is standardized.</summary>
    public double[] ClippedRow { get; }

    /// <summary>Row indices grouped by ensemble member (grown on demand).</summary>
    public int[] Rows { get; set; } = [];

    /// <summary>Variances of a batch (grown on demand).</summary>
    public double[] Variances { get; set; } = [];
}
