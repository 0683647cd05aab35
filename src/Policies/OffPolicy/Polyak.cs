using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Polyak averaging of target networks (Lillicrap et al. 2016): theta' &lt;- (1 - tau) theta' + tau theta after every
/// update, so the bootstrapped targets move slowly. In place, without allocating.
/// </summary>
public static class Polyak
{
    /// <summary>target = (1 - tau) target + tau source, parameter by parameter (same structure, same dtype).</summary>
    /// <exception cref="ArgumentException">The modules differ in structure, or tau is outside [0, 1].</exception>
    public static void Update(Module target, Module source, double tau)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        Update(target.Parameters(), source.Parameters(), tau);
    }

    /// <summary>
    /// target[i] = (1 - tau) target[i] + tau source[i] for parameter lists in one order (a learner keeps the lists, so that
    /// an update per gradient step allocates nothing).
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in structure, or tau is outside [0, 1].</exception>
    public static void Update(IReadOnlyList<Tensor> mine, IReadOnlyList<Tensor> theirs, double tau)
    {
        if (!(tau >= 0 && tau <= 1)) throw new ArgumentException($"Polyak: expected tau in [0, 1], got {tau}.");
        if (mine.Count != theirs.Count) throw new ArgumentException($"Polyak: expected modules of one structure, got {mine.Count} and {theirs.Count} parameters.");
        for (int i = 0; i < mine.Count; i++)
        {
            if (!mine[i].Shape.SequenceEqual(theirs[i].Shape) || mine[i].DType != theirs[i].DType)
                throw new ArgumentException($"Polyak: parameter {i} is {mine[i].Describe()} in the target and {theirs[i].Describe()} in the source.");
            if (mine[i].DType == DType.Float32) Mix(mine[i].Span<float>(), theirs[i].Span<float>(), (float)tau);
            else Mix(mine[i].Span<double>(), theirs[i].Span<double>(), tau);
        }
    }

    private static void Mix(Span<float> target, ReadOnlySpan<float> source, float tau)
    {
        float keep = 1f - tau;
        for (int j = 0; j < target.Length; j++) target[j] = keep * target[j] + tau * source[j];
    }

    private static void Mix(Span<double> target, ReadOnlySpan<double> source, double tau)
    {
        double keep = 1 - tau;
        for (int j = 0; j < target.Length; j++) target[j] = keep * target[j] + tau * source[j];
    }
}
