namespace Control.Policies.Common;

/// <summary>
/// A loss or a quantity a learner trains on became NaN or infinite: training stops here, before the optimizer steps on
/// it, naming the algorithm, the iteration and the term (nothing is written: a checkpoint saved before stays the last).
/// </summary>
public sealed class NonFiniteLossException(string algorithm, int iteration, string term, double value)
    : ArithmeticException($"{algorithm}: the {term} is {value} at iteration {iteration}; training stopped before the update (check the learning rate, the reward scale and the observations).")
{
    /// <summary>The algorithm's name.</summary>
    public string Algorithm { get; } = algorithm;

    /// <summary>The iteration (0-based: the one being run) in which the term became non-finite.</summary>
    public int Iteration { get; } = iteration;

    /// <summary>The term, e.g. "critic loss".</summary>
    public string Term { get; } = term;

    /// <summary>The value found (NaN or an infinity).</summary>
    public double Value { get; } = value;

    /// <summary>Returns <paramref name="value"/> when finite; throws otherwise.</summary>
    /// <exception cref="NonFiniteLossException">The value is NaN or infinite.</exception>
    public static double Check(string algorithm, int iteration, string term, double value)
        => double.IsFinite(value) ? value : throw new NonFiniteLossException(algorithm, iteration, term, value);
}
