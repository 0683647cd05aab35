// The Gumbel-softmax (Concrete) relaxation of a categorical (Jang et al. 2017; Maddison et al. 2017), with the
// straight-through variant: a one-hot sample forward, the relaxed sample's gradient backward.
using Control.Core;

namespace Control.Tensors.Distributions;

/// <summary>
/// Relaxed one-hot samples softmax((logits + g) / temperature) with g ~ Gumbel(0, 1), on the probability simplex.
/// As temperature goes to zero the samples approach one-hot vectors of <see cref="Discrete"/>.
/// </summary>
public sealed class RelaxedOneHotCategorical
{
    /// <summary>A relaxed categorical over the last axis of <paramref name="logits"/> (B, K) at the given temperature.</summary>
    public RelaxedOneHotCategorical(Tensor logits, double temperature)
    {
        if (!(temperature > 0)) throw new TensorException($"RelaxedOneHotCategorical: expected a positive temperature, got {temperature}.");
        Discrete = new Categorical(logits);
        Temperature = temperature;
    }

    /// <summary>The categorical being relaxed (its entropy and KL are the discrete ones).</summary>
    public Categorical Discrete { get; }

    /// <summary>Temperature.</summary>
    public double Temperature { get; }

    /// <summary>
    /// A reparameterized relaxed sample (B, K). With <paramref name="straightThrough"/> the value is the one-hot of
    /// its argmax while the gradient is the relaxed sample's (hard - soft.detach() + soft).
    /// </summary>
    public Tensor RSample(Rng rng, bool straightThrough = false)
    {
        Tensor logits = Discrete.Logits;
        Tensor gumbel = Tensor.Zeros(logits.DType, logits.ShapeArray());
        for (int i = 0; i < gumbel.Size; i++) gumbel.SetFlat(i, rng.Gumbel());
        Tensor soft = ((logits + gumbel) / Temperature).Softmax(1);
        if (!straightThrough) return soft;
        int[] arg = soft.ArgMax(1);
        Tensor hard = Tensor.Zeros(logits.DType, logits.ShapeArray());
        for (int r = 0; r < arg.Length; r++) hard.SetFlat(r * Discrete.Classes + arg[r], 1.0);
        return hard - soft.Detach() + soft;
    }

    /// <summary>A relaxed sample without gradient.</summary>
    public Tensor Sample(Rng rng)
    {
        using (Autograd.NoGrad()) return RSample(rng).Detach();
    }

    /// <summary>
    /// Concrete log density of relaxed samples y (B, K) on the simplex:
    /// log (K-1)! + (K-1) log t + sum(log p - (t + 1) log y) - K logsumexp(log p - t log y).
    /// </summary>
    public Tensor LogProb(Tensor value)
    {
        int k = Discrete.Classes;
        Tensor logY = value.Log();
        Tensor logP = Discrete.LogProbs;
        double constant = LogFactorial(k - 1) + (k - 1) * Math.Log(Temperature);
        Tensor scores = logP - Temperature * logY;
        return (logP - (Temperature + 1) * logY).Sum(1) - k * scores.LogSumExp(1) + constant;
    }

    private static double LogFactorial(int n)
    {
        double sum = 0;
        for (int i = 2; i <= n; i++) sum += Math.Log(i);
        return sum;
    }
}
