// Per-column mean and standard deviation of a table of rows, for normalizing a learned model's inputs and
// targets over a fixed dataset (RunningMeanStd is the streaming counterpart, for data that arrives step by
// step). Two passes (mean, then squared deviations) for accuracy; the standard deviation has a floor so that
// a column that never varied does not divide by zero.
namespace Control.Dynamics.Data;

/// <summary>Column statistics of a row-major table, such as <see cref="TransitionDataset.States"/>.</summary>
public static class DatasetStatistics
{
    /// <summary>Standard deviation below which <see cref="Compute"/> reports the floor instead.</summary>
    public const double DefaultMinStd = 1e-6;

    /// <summary>
    /// Mean and population standard deviation (divide by the row count) of each of the <paramref name="width"/>
    /// columns of <paramref name="rows"/> (row-major, at least one row). A standard deviation below
    /// <paramref name="minStd"/> is reported as <paramref name="minStd"/>.
    /// </summary>
    public static (double[] Mean, double[] Std) Compute(ReadOnlySpan<double> rows, int width, double minStd = DefaultMinStd)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "DatasetStatistics: expected a positive width");
        if (!(minStd > 0) || !double.IsFinite(minStd))
            throw new ArgumentOutOfRangeException(nameof(minStd), minStd, "DatasetStatistics: expected a positive finite floor on the standard deviation");
        if (rows.Length == 0 || rows.Length % width != 0)
        {
            throw new ArgumentException(
                $"DatasetStatistics: expected at least one row of width {width} (a length that is a positive multiple of {width}), got length {rows.Length}.",
                nameof(rows));
        }
        int count = rows.Length / width;
        var mean = new double[width];
        var std = new double[width];
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<double> row = rows.Slice(r * width, width);
            for (int c = 0; c < width; c++) mean[c] += row[c];
        }
        for (int c = 0; c < width; c++) mean[c] /= count;
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<double> row = rows.Slice(r * width, width);
            for (int c = 0; c < width; c++)
            {
                double d = row[c] - mean[c];
                std[c] += d * d;
            }
        }
        for (int c = 0; c < width; c++)
        {
            if (!double.IsFinite(mean[c]) || !double.IsFinite(std[c]))
                throw new ArgumentException($"DatasetStatistics: expected finite values, got a non-finite mean or variance in column {c}.", nameof(rows));
            std[c] = Math.Max(Math.Sqrt(std[c] / count), minStd);
        }
        return (mean, std);
    }
}
