using Control.Core;
using Control.Tensors;
using Control.Tensors.Distributions;

namespace Control.Policies.Common;

/// <summary>Diagonal Gaussian actions over a Box space (unbounded samples; the env clips to its bounds).</summary>
public sealed class GaussianActions(Tensor mean, Tensor logStd) : IActionDistribution
{
    /// <summary>The underlying distribution.</summary>
    public DiagGaussian Distribution { get; } = new(mean, logStd);

    /// <inheritdoc />
    public int BatchSize => Distribution.Mean.Dim(0);

    private int ActionSize => Distribution.Mean.Dim(1);

    /// <inheritdoc />
    public Tensor LogProb(Tensor actions)
    {
        if (actions.Rank != 2 || actions.Dim(0) != BatchSize || actions.Dim(1) != ActionSize)
            throw new TensorException($"GaussianActions.LogProb: expected actions of shape ({BatchSize}, {ActionSize}), got {Tensor.Format(actions.Shape)}.");
        return Distribution.LogProb(actions.DType == Distribution.Mean.DType ? actions : actions.To(Distribution.Mean.DType));
    }

    /// <inheritdoc />
    public Tensor Entropy() => Distribution.Entropy();

    /// <inheritdoc />
    public Tensor Kl(IActionDistribution other) => other is GaussianActions g
        ? Distribution.Kl(g.Distribution)
        : throw new ArgumentException($"GaussianActions.Kl: expected another Gaussian, got {other.GetType().Name}.");

    /// <inheritdoc />
    public void Sample(Rng rng, Span<double> actions)
    {
        Mode(actions);
        double[] std = Distribution.Std.ToDoubleArray();
        int a = ActionSize;
        for (int i = 0; i < actions.Length; i++) actions[i] += std[std.Length == a ? i % a : i] * rng.Normal();
    }

    /// <inheritdoc />
    public void Mode(Span<double> actions)
    {
        if (actions.Length != BatchSize * ActionSize)
            throw new ArgumentException($"GaussianActions: expected an action buffer of {BatchSize} x {ActionSize}, got length {actions.Length}.", nameof(actions));
        if (Distribution.Mean.DType == DType.Float32)
        {
            ReadOnlySpan<float> m = Distribution.Mean.Span<float>();
            for (int i = 0; i < actions.Length; i++) actions[i] = m[i];
        }
        else
        {
            Distribution.Mean.Span<double>().CopyTo(actions);
        }
    }
}
