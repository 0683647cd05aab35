namespace Control.Dynamics.Learned;

/// <summary>
/// Per-dimension affine scaling z = (v - mean) / std. A dimension whose standard deviation is below the floor
/// (a constant input, such as a control never varied) gets std 1: it is only centred, so that a later value off
/// the constant is not blown up by a tiny divisor.
/// </summary>
public sealed class Standardization
{
    private readonly double[] mean;
    private readonly double[] std;

    /// <summary>Scaling with the given statistics (copied).</summary>
    public Standardization(double[] mean, double[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != std.Length)
            throw new ArgumentException($"standardization: expected mean and std of one length, got {mean.Length} and {std.Length}.");
        if (!mean.All(double.IsFinite) || !std.All(s => double.IsFinite(s) && s > 0))
            throw new ArgumentException("standardization: expected finite means and finite positive standard deviations.");
        this.mean = (double[])mean.Clone();
        this.std = (double[])std.Clone();
    }

    /// <summary>Statistics of the given rows (indices into <paramref name="data"/>, rows of <paramref name="width"/>).</summary>
    internal static Standardization Of(ReadOnlySpan<double> data, int width, ReadOnlySpan<int> rows, double floor)
    {
        var mean = new double[width];
        var std = new double[width];
        foreach (int r in rows)
        {
            for (int j = 0; j < width; j++) mean[j] += data[r * width + j];
        }
        for (int j = 0; j < width; j++) mean[j] /= rows.Length;
        foreach (int r in rows)
        {
            for (int j = 0; j < width; j++)
            {
                double d = data[r * width + j] - mean[j];
                std[j] += d * d;
            }
        }
        for (int j = 0; j < width; j++)
        {
            double s = Math.Sqrt(std[j] / rows.Length);
            std[j] = s < floor ? 1.0 : s;
        }
        return new Standardization(mean, std);
    }

    /// <summary>Number of dimensions.</summary>
    public int Size => mean.Length;

    /// <summary>Per-dimension mean.</summary>
    public ReadOnlySpan<double> Mean => mean;

    /// <summary>Per-dimension standard deviation (floored).</summary>
    public ReadOnlySpan<double> Std => std;
}
