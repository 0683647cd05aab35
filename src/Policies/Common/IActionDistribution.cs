using Control.Core;
using Control.Tensors;

namespace Control.Policies.Common;

/// <summary>
/// A batch of action distributions, one per row of observations. Actions are rows of doubles as the env reads
/// them: for a Discrete space one element holding the index.
/// </summary>
public interface IActionDistribution
{
    /// <summary>Rows in the batch.</summary>
    int BatchSize { get; }

    /// <summary>log pi(a | s) of <paramref name="actions"/> (B, ActionSize), as a (B,) tensor on the tape.</summary>
    Tensor LogProb(Tensor actions);

    /// <summary>Entropy per row (B,).</summary>
    Tensor Entropy();

    /// <summary>KL(this || other) per row (B,); <paramref name="other"/> must be of the same kind.</summary>
    Tensor Kl(IActionDistribution other);

    /// <summary>Draws one action per row into <paramref name="actions"/> (B x ActionSize), without gradient.</summary>
    void Sample(Rng rng, Span<double> actions);

    /// <summary>Writes the most likely action of each row (the deterministic policy).</summary>
    void Mode(Span<double> actions);
}
