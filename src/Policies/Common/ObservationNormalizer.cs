// The frozen observation statistics of a trained policy: x_norm = clip((x - mean) / sqrt(variance + epsilon), +-clip),
// computed in double and rounded to float once, as SB3's VecNormalize does for observations. ObservationFilter
// applies the same map with its running statistics while training; this is the copy an exported policy carries.
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Control.Policies.Common;

/// <summary>Immutable per-feature standardization with clipping.</summary>
public sealed class ObservationNormalizer
{
    /// <summary>Added to the variance before the square root (as in ObservationFilter while training).</summary>
    public const double DefaultEpsilon = 1e-8;

    private readonly double[] mean;
    private readonly double[] variance;
    // sqrt(variance + epsilon), the divisor of the map, computed once: the same values the map computes per call.
    private readonly double[] deviation;

    /// <summary>Standardizes by <paramref name="mean"/> and <paramref name="variance"/> (copied), then clips to +-<paramref name="clip"/>.</summary>
    /// <exception cref="ArgumentException">The arrays differ in length or are empty, a variance is negative or not finite, or epsilon/clip are not positive.</exception>
    public ObservationNormalizer(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, double epsilon = DefaultEpsilon, double clip = 10.0)
    {
        if (mean.Length == 0 || mean.Length != variance.Length)
            throw new ArgumentException($"ObservationNormalizer: expected equal, non-empty mean and variance, got {mean.Length} and {variance.Length} values.");
        for (int i = 0; i < mean.Length; i++)
        {
            if (!double.IsFinite(mean[i]) || !(variance[i] >= 0) || !double.IsFinite(variance[i]))
                throw new ArgumentException($"ObservationNormalizer: expected a finite mean and a finite variance >= 0 at feature {i}, got {mean[i]} and {variance[i]}.");
        }
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ObservationNormalizer: expected a positive epsilon");
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "ObservationNormalizer: expected a positive clip bound");
        this.mean = mean.ToArray();
        this.variance = variance.ToArray();
        deviation = [.. this.variance.Select(v => Math.Sqrt(v + epsilon))];
        Epsilon = epsilon;
        Clip = clip;
    }

    /// <summary>Features per observation.</summary>
    public int Size => mean.Length;

    /// <summary>Per-feature mean.</summary>
    public ReadOnlySpan<double> Mean => mean;

    /// <summary>Per-feature variance.</summary>
    public ReadOnlySpan<double> Variance => variance;

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Bound on normalized values.</summary>
    public double Clip { get; }

    /// <summary>Normalizes rows of <see cref="Size"/> raw values into floats.</summary>
    public void Apply(ReadOnlySpan<double> batch, Span<float> destination) => Map(mean, deviation, Clip, batch, destination);

    /// <summary>The map itself, on any statistics (ObservationFilter applies its running ones with it).</summary>
    internal static void Apply(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, double epsilon, double clip,
        ReadOnlySpan<double> batch, Span<float> destination)
    {
        // Called once per collected batch while training: the divisors on the stack, or in a pooled array for long rows.
        double[]? rented = mean.Length <= 128 ? null : ArrayPool<double>.Shared.Rent(mean.Length);
        try
        {
            Span<double> deviation = rented is null ? stackalloc double[mean.Length] : rented.AsSpan(0, mean.Length);
            for (int j = 0; j < deviation.Length; j++) deviation[j] = Math.Sqrt(variance[j] + epsilon);
            Map(mean, deviation, clip, batch, destination);
        }
        finally
        {
            if (rented is not null) ArrayPool<double>.Shared.Return(rented);
        }
    }

    // clip((x - mean) / deviation) row by row, rounded to float once.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Map(ReadOnlySpan<double> mean, ReadOnlySpan<double> deviation, double clip, ReadOnlySpan<double> batch, Span<float> destination)
    {
        int size = mean.Length;
        if (batch.Length % size != 0 || destination.Length != batch.Length)
            throw new ArgumentException($"observation normalizer: expected a batch of rows of {size} values and an equal destination, got {batch.Length} and {destination.Length}.");
        for (int row = 0; row < batch.Length; row += size)
        {
            for (int j = 0; j < size; j++)
                destination[row + j] = (float)Math.Clamp((batch[row + j] - mean[j]) / deviation[j], -clip, clip);
        }
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(mean.Length);
        foreach (double v in mean) w.Write(v);
        foreach (double v in variance) w.Write(v);
        w.Write(Epsilon);
        w.Write(Clip);
    }

    internal static ObservationNormalizer Read(BinaryReader r)
    {
        int size = r.ReadInt32();
        if (size <= 0 || size > 1 << 20) throw new InvalidDataException($"expected a normalizer size in [1, 2^20], got {size}");
        var mean = new double[size];
        var variance = new double[size];
        for (int i = 0; i < size; i++) mean[i] = r.ReadDouble();
        for (int i = 0; i < size; i++) variance[i] = r.ReadDouble();
        double epsilon = r.ReadDouble(), clip = r.ReadDouble();
        return new ObservationNormalizer(mean, variance, epsilon, clip);
    }
}
