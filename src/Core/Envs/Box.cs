using System.Globalization;
using System.Runtime.CompilerServices;

namespace Control.Core.Envs;

/// <summary>A box of real arrays, <c>Low[i] &lt;= x[i] &lt;= High[i]</c>, in row-major order of <see cref="Shape"/>.</summary>
public sealed record Box : Space
{
    private readonly double[] low;
    private readonly double[] high;
    private readonly int[] shape;

    /// <summary>A box with the given flat bounds and shape (default: one dimension of the bounds' length).</summary>
    public Box(double[] low, double[] high, int[]? shape = null)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (low.Length != high.Length)
            throw new ArgumentException($"Box bounds differ in length: low has {low.Length}, high has {high.Length}.");
        shape ??= [low.Length];
        long count = 1;
        foreach (int d in shape)
        {
            if (d <= 0) throw new ArgumentException($"Box shape ({string.Join(",", shape)}) has a non-positive dimension.");
            count *= d;
        }
        if (count != low.Length)
            throw new ArgumentException($"Box shape ({string.Join(",", shape)}) holds {count} elements, bounds hold {low.Length}.");
        for (int i = 0; i < low.Length; i++)
        {
            if (double.IsNaN(low[i]) || double.IsNaN(high[i]) || low[i] > high[i])
                throw new ArgumentException($"Box bound {i} is invalid: low={low[i]}, high={high[i]}.");
        }
        this.low = (double[])low.Clone();
        this.high = (double[])high.Clone();
        this.shape = (int[])shape.Clone();
    }

    /// <summary>A box of <paramref name="size"/> elements, all in [low, high].</summary>
    public static Box Uniform(int size, double low, double high)
        => new(Enumerable.Repeat(low, size).ToArray(), Enumerable.Repeat(high, size).ToArray());

    /// <summary>Lower bounds, flat.</summary>
    public ReadOnlySpan<double> Low => low;

    /// <summary>Upper bounds, flat.</summary>
    public ReadOnlySpan<double> High => high;

    /// <summary>Shape of one value.</summary>
    public ReadOnlySpan<int> Shape => shape;

    /// <inheritdoc />
    public override int FlatSize => low.Length;

    /// <summary>Whether every bound is finite.</summary>
    public bool IsBounded => low.All(double.IsFinite) && high.All(double.IsFinite);

    /// <inheritdoc />
    public override bool Contains(ReadOnlySpan<double> value)
    {
        if (value.Length != low.Length) return false;
        for (int i = 0; i < value.Length; i++)
        {
            if (!(value[i] >= low[i] && value[i] <= high[i])) return false;
        }
        return true;
    }

    /// <summary>Clips <paramref name="value"/> into the box in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Clip(Span<double> value)
    {
        for (int i = 0; i < value.Length; i++) value[i] = Math.Clamp(value[i], low[i], high[i]);
    }

    /// <inheritdoc />
    public override void Sample(Rng rng, Span<double> destination)
    {
        for (int i = 0; i < low.Length; i++)
        {
            bool lowFinite = double.IsFinite(low[i]), highFinite = double.IsFinite(high[i]);
            destination[i] = (lowFinite, highFinite) switch
            {
                (true, true) => rng.Uniform(low[i], high[i]),
                (true, false) => low[i] + Math.Abs(rng.Normal()),
                (false, true) => high[i] - Math.Abs(rng.Normal()),
                _ => rng.Normal(),
            };
        }
    }

    /// <inheritdoc />
    public override string Describe()
    {
        static string Bound(ReadOnlySpan<double> b)
        {
            double first = b[0];
            foreach (double v in b)
            {
                if (v != first) return "[" + string.Join(", ", b.ToArray().Select(Format)) + "]";
            }
            return Format(first);
        }
        string dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(",", shape) + ")";
        return $"Box({Bound(low)}, {Bound(high)}, {dims})";
    }

    private static string Format(double v) => double.IsPositiveInfinity(v) ? "inf"
        : double.IsNegativeInfinity(v) ? "-inf"
        : v.ToString("0.####", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(Box? other) => other is not null
        && low.AsSpan().SequenceEqual(other.low) && high.AsSpan().SequenceEqual(other.high)
        && shape.AsSpan().SequenceEqual(other.shape);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(low.Length, low.Length > 0 ? low[0] : 0, high.Length > 0 ? high[^1] : 0);
}
