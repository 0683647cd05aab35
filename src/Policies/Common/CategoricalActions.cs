using Control.Core;
using Control.Tensors;
using Control.Tensors.Distributions;

namespace Control.Policies.Common;

/// <summary>Categorical actions over a Discrete space.</summary>
public sealed class CategoricalActions(Tensor logits) : IActionDistribution
{
    /// <summary>The underlying distribution.</summary>
    public Categorical Distribution { get; } = new(logits);

    /// <inheritdoc />
    public int BatchSize => Distribution.Logits.Dim(0);

    /// <inheritdoc />
    public Tensor LogProb(Tensor actions)
    {
        if (actions.Rank != 2 || actions.Dim(0) != BatchSize || actions.Dim(1) != 1)
            throw new TensorException($"CategoricalActions.LogProb: expected actions of shape ({BatchSize}, 1), got {Tensor.Format(actions.Shape)}.");
        var indices = new int[BatchSize];
        double[] values = actions.ToDoubleArray();
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = (int)values[i];
            if (indices[i] != values[i] || indices[i] < 0 || indices[i] >= Distribution.Classes)
                throw new TensorException($"CategoricalActions.LogProb: expected action indices in [0, {Distribution.Classes - 1}], got {values[i]} in row {i}.");
        }
        return Distribution.LogProb(indices);
    }

    /// <inheritdoc />
    public Tensor Entropy() => Distribution.Entropy();

    /// <inheritdoc />
    public Tensor Kl(IActionDistribution other) => other is CategoricalActions c
        ? Distribution.Kl(c.Distribution)
        : throw new ArgumentException($"CategoricalActions.Kl: expected another categorical, got {other.GetType().Name}.");

    /// <inheritdoc />
    public void Sample(Rng rng, Span<double> actions)
    {
        int rows = BatchSize, k = Distribution.Classes;
        CheckLength(actions, rows);
        ReadOnlySpan<float> logits = Distribution.Logits.DType == DType.Float32 ? Distribution.Logits.Span<float>() : default;
        double[]? wide = logits.IsEmpty ? Distribution.Logits.ToDoubleArray() : null;
        Span<double> p = k <= 64 ? stackalloc double[k] : new double[k];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++) max = Math.Max(max, wide?[r * k + c] ?? logits[r * k + c]);
            double total = 0;
            for (int c = 0; c < k; c++) total += p[c] = Math.Exp((wide?[r * k + c] ?? logits[r * k + c]) - max);
            double u = rng.NextDouble() * total, cumulative = 0;
            int chosen = k - 1;
            for (int c = 0; c < k; c++)
            {
                cumulative += p[c];
                if (u < cumulative)
                {
                    chosen = c;
                    break;
                }
            }
            actions[r] = chosen;
        }
    }

    /// <inheritdoc />
    public void Mode(Span<double> actions)
    {
        CheckLength(actions, BatchSize);
        int[] best = Distribution.Mode();
        for (int r = 0; r < best.Length; r++) actions[r] = best[r];
    }

    private static void CheckLength(Span<double> actions, int rows)
    {
        if (actions.Length != rows)
            throw new ArgumentException($"CategoricalActions: expected an action buffer of {rows} x 1, got length {actions.Length}.", nameof(actions));
    }
}
