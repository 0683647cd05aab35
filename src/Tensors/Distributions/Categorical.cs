// Categorical distribution over the last axis of logits (one distribution per row).
using Control.Core;

namespace Control.Tensors.Distributions;

/// <summary>Categorical(softmax(logits)) over the last axis; samples are class indices, one per row.</summary>
public sealed class Categorical
{
    /// <summary>A categorical with the given unnormalized log-probabilities (shape (B, K) or (K,)).</summary>
    public Categorical(Tensor logits)
    {
        if (logits.Rank is < 1 or > 2) throw new TensorException($"Categorical: expected logits of shape (K,) or (B, K), got {Tensor.Format(logits.Shape)}.");
        Logits = logits.Rank == 1 ? logits.Reshape(1, -1) : logits;
        LogProbs = Logits.LogSoftmax(1);
    }

    /// <summary>Logits as (B, K).</summary>
    public Tensor Logits { get; }

    /// <summary>Normalized log-probabilities (B, K).</summary>
    public Tensor LogProbs { get; }

    /// <summary>Probabilities (B, K).</summary>
    public Tensor Probs => LogProbs.Exp();

    /// <summary>Number of classes K.</summary>
    public int Classes => Logits.Dim(1);

    /// <summary>One class per row, drawn by inverse CDF from <paramref name="rng"/>.</summary>
    public int[] Sample(Rng rng)
    {
        double[] p = Probs.ToDoubleArray();
        int rows = Logits.Dim(0), k = Classes;
        var result = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            double u = rng.NextDouble(), cumulative = 0;
            int chosen = k - 1;
            for (int c = 0; c < k; c++)
            {
                cumulative += p[r * k + c];
                if (u < cumulative)
                {
                    chosen = c;
                    break;
                }
            }
            result[r] = chosen;
        }
        return result;
    }

    /// <summary>The most likely class of each row.</summary>
    public int[] Mode() => Logits.ArgMax(1);

    /// <summary>log p(actions[r]) for each row (B,).</summary>
    public Tensor LogProb(int[] actions)
    {
        if (actions.Length != Logits.Dim(0))
            throw new TensorException($"Categorical.LogProb: expected {Logits.Dim(0)} actions, got {actions.Length}.");
        return LogProbs.Gather(1, actions).Reshape(-1);
    }

    /// <summary>Entropy -sum p log p per row (B,).</summary>
    public Tensor Entropy() => (Probs * LogProbs).Sum(1).Neg();

    /// <summary>KL(this || other) = sum p (log p - log q) per row (B,).</summary>
    public Tensor Kl(Categorical other) => (Probs * (LogProbs - other.LogProbs)).Sum(1);
}
