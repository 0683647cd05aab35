// Where a learned model has seen data: the per-dimension range of the states it was trained on (x and x' of every
// transition), widened by a margin. A network is an interpolator; outside this box it extrapolates, and a planner
// that optimizes through it there finds errors to exploit instead of physics. Angles the model wraps at its input
// (periodic states) are unbounded: every value is one it has seen once wrapped.
namespace Control.Dynamics.Data;

/// <summary>Per-dimension bounds of the states in a dataset, widened by a margin; infinite for periodic states.</summary>
public sealed class DataSupport
{
    private readonly double[] low, high, scale;

    /// <summary>Bounds <paramref name="low"/>..<paramref name="high"/> (copied) with per-dimension length scales <paramref name="scale"/> (positive).</summary>
    /// <exception cref="ArgumentException">Lengths differ, a bound is NaN, low exceeds high, or a scale is not finite and positive.</exception>
    public DataSupport(double[] low, double[] high, double[] scale)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        ArgumentNullException.ThrowIfNull(scale);
        if (low.Length != high.Length || low.Length != scale.Length || low.Length == 0)
            throw new ArgumentException($"data support: expected low, high and scale of one positive length, got {low.Length}, {high.Length} and {scale.Length}.");
        for (int i = 0; i < low.Length; i++)
        {
            if (double.IsNaN(low[i]) || double.IsNaN(high[i]) || low[i] > high[i])
                throw new ArgumentException($"data support: expected low <= high in dimension {i}, got [{low[i]}, {high[i]}].");
            if (!(double.IsFinite(scale[i]) && scale[i] > 0))
                throw new ArgumentException($"data support: expected a finite positive scale in dimension {i}, got {scale[i]}.");
        }
        this.low = (double[])low.Clone();
        this.high = (double[])high.Clone();
        this.scale = (double[])scale.Clone();
    }

    /// <summary>
    /// The range of every state and next state in <paramref name="data"/>, widened on each side by
    /// <paramref name="margin"/> times the dimension's range; each dimension's scale is that range (at least
    /// <paramref name="minimumScale"/>). Entries of <paramref name="periodic"/> (true: an angle) are unbounded.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset is empty, the margin negative or not finite, or <paramref name="periodic"/> has the wrong length.</exception>
    public static DataSupport Of(TransitionDataset data, double margin, IReadOnlyList<bool>? periodic = null, double minimumScale = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("data support: expected at least one transition, got an empty dataset.");
        if (!(double.IsFinite(margin) && margin >= 0)) throw new ArgumentException($"data support: expected a finite margin >= 0, got {margin}.");
        if (!(double.IsFinite(minimumScale) && minimumScale > 0)) throw new ArgumentException($"data support: expected a finite minimum scale > 0, got {minimumScale}.");
        int n = data.StateSize;
        if (periodic is not null && periodic.Count != n) throw new ArgumentException($"data support: expected {n} periodic flags, got {periodic.Count}.");
        var low = new double[n];
        var high = new double[n];
        var scale = new double[n];
        Array.Fill(low, double.PositiveInfinity);
        Array.Fill(high, double.NegativeInfinity);
        for (int r = 0; r < data.Count; r++)
        {
            ReadOnlySpan<double> x = data.State(r), next = data.NextState(r);
            for (int i = 0; i < n; i++)
            {
                low[i] = Math.Min(low[i], Math.Min(x[i], next[i]));
                high[i] = Math.Max(high[i], Math.Max(x[i], next[i]));
            }
        }
        for (int i = 0; i < n; i++)
        {
            double range = Math.Max(high[i] - low[i], minimumScale);
            scale[i] = range;
            if (periodic is not null && periodic[i])
            {
                (low[i], high[i]) = (double.NegativeInfinity, double.PositiveInfinity);
                continue;
            }
            low[i] -= margin * range;
            high[i] += margin * range;
        }
        return new DataSupport(low, high, scale);
    }

    /// <summary>n.</summary>
    public int Size => low.Length;

    /// <summary>Lower bounds (minus infinity for periodic states).</summary>
    public ReadOnlySpan<double> Low => low;

    /// <summary>Upper bounds (plus infinity for periodic states).</summary>
    public ReadOnlySpan<double> High => high;

    /// <summary>Length scale of each dimension (its range in the data): distances outside are measured in it.</summary>
    public ReadOnlySpan<double> Scale => scale;

    /// <summary>Signed distance of <paramref name="x"/>'s entry <paramref name="i"/> outside the bounds, in scale units: positive above, negative below, zero inside.</summary>
    public double Excess(ReadOnlySpan<double> x, int i)
    {
        if (x[i] > high[i]) return (x[i] - high[i]) / scale[i];
        if (x[i] < low[i]) return (x[i] - low[i]) / scale[i];
        return 0;
    }
}
