// Running mean and variance of a stream of vectors (Chan et al.'s parallel update), the one implementation
// behind observation normalization in wrappers, vector envs and policies.
using System.Text.Json;
using Control.Core.Models;

namespace Control.Core;

/// <summary>Per-element running mean and (population) variance, mergeable and savable.</summary>
public sealed class RunningMeanStd
{
    private readonly double[] mean;
    private readonly double[] variance;

    /// <summary>Statistics of vectors of length <paramref name="size"/>, starting from mean 0, variance 1 and a tiny count.</summary>
    public RunningMeanStd(int size, double initialCount = 1e-4)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "expected a positive size");
        if (!(initialCount >= 0) || double.IsInfinity(initialCount))
            throw new ArgumentOutOfRangeException(nameof(initialCount), initialCount, "expected a finite count >= 0");
        mean = new double[size];
        variance = new double[size];
        Array.Fill(variance, 1.0);
        Count = initialCount;
    }

    /// <summary>Vector length.</summary>
    public int Size => mean.Length;

    /// <summary>Running mean.</summary>
    public ReadOnlySpan<double> Mean => mean;

    /// <summary>Running variance.</summary>
    public ReadOnlySpan<double> Variance => variance;

    /// <summary>Number of vectors seen (plus the initial pseudo-count).</summary>
    public double Count { get; private set; }

    /// <summary>Adds one vector.</summary>
    public void Update(ReadOnlySpan<double> x)
    {
        ModelChecks.Length("RunningMeanStd", "a sample", mean.Length, x.Length);
        double total = Count + 1;
        for (int i = 0; i < mean.Length; i++)
        {
            double delta = x[i] - mean[i];
            double newMean = mean[i] + delta / total;
            variance[i] = (variance[i] * Count + delta * delta * Count / total) / total;
            mean[i] = newMean;
        }
        Count = total;
    }

    /// <summary>Adds a batch of <c>batch.Length / Size</c> vectors laid out row by row.</summary>
    public void UpdateBatch(ReadOnlySpan<double> batch)
    {
        if (batch.Length % mean.Length != 0)
            throw new ArgumentException($"RunningMeanStd: expected a batch whose length is a multiple of {mean.Length}, got length {batch.Length}.");
        int rows = batch.Length / mean.Length;
        if (rows == 0) return;
        double total = Count + rows;
        for (int i = 0; i < mean.Length; i++)
        {
            double batchMean = 0;
            for (int r = 0; r < rows; r++) batchMean += batch[r * mean.Length + i];
            batchMean /= rows;
            double batchVariance = 0;
            for (int r = 0; r < rows; r++)
            {
                double d = batch[r * mean.Length + i] - batchMean;
                batchVariance += d * d;
            }
            batchVariance /= rows;
            double delta = batchMean - mean[i];
            mean[i] += delta * rows / total;
            variance[i] = (variance[i] * Count + batchVariance * rows + delta * delta * Count * rows / total) / total;
        }
        Count = total;
    }

    /// <summary>Writes (x - mean) / sqrt(var + epsilon), clipped to +-clip.</summary>
    public void Normalize(ReadOnlySpan<double> x, Span<double> destination, double epsilon = 1e-8, double clip = double.PositiveInfinity)
    {
        ModelChecks.Length("RunningMeanStd", "a sample", mean.Length, x.Length);
        ModelChecks.Length("RunningMeanStd", "a destination", mean.Length, destination.Length);
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "expected a positive clip bound");
        for (int i = 0; i < mean.Length; i++)
            destination[i] = Math.Clamp((x[i] - mean[i]) / Math.Sqrt(variance[i] + epsilon), -clip, clip);
    }

    /// <summary>Writes count, mean and variance (binary, for checkpoints).</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(mean.Length);
        writer.Write(Count);
        foreach (double v in mean) writer.Write(v);
        foreach (double v in variance) writer.Write(v);
    }

    /// <summary>Replaces these statistics with ones written by <see cref="Write"/>; the size must match.</summary>
    public void Read(BinaryReader reader)
    {
        int size = reader.ReadInt32();
        if (size != mean.Length) throw new InvalidDataException($"RunningMeanStd: expected statistics of size {mean.Length}, got size {size}.");
        double count = reader.ReadDouble();
        var m = new double[size];
        var v = new double[size];
        for (int i = 0; i < size; i++) m[i] = reader.ReadDouble();
        for (int i = 0; i < size; i++) v[i] = reader.ReadDouble();
        if (!(count > 0) || m.Any(x => !double.IsFinite(x)) || v.Any(x => !double.IsFinite(x) || x < 0))
            throw new InvalidDataException("RunningMeanStd: expected a positive count, finite means and non-negative variances in the stored statistics.");
        m.CopyTo(mean, 0);
        v.CopyTo(variance, 0);
        Count = count;
    }

    private sealed record Snapshot(int Version, double Count, double[] Mean, double[] Variance);

    /// <summary>Writes the statistics as JSON to <paramref name="path"/> atomically (a temporary file, then a rename).</summary>
    public void Save(string path)
    {
        string json = JsonSerializer.Serialize(new Snapshot(1, Count, mean, variance));
        AtomicFile.Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>Reads statistics saved by <see cref="Save"/>; the size must match.</summary>
    public static RunningMeanStd Load(string path)
    {
        Snapshot? s;
        try
        {
            s = JsonSerializer.Deserialize<Snapshot>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: expected running statistics saved by RunningMeanStd.Save, got unreadable JSON ({e.Message}).", e);
        }
        if (s is null || s.Version != 1 || s.Mean is null || s.Variance is null || s.Mean.Length == 0
            || s.Mean.Length != s.Variance.Length || !(s.Count > 0)
            || s.Mean.Any(v => !double.IsFinite(v)) || s.Variance.Any(v => !double.IsFinite(v) || v < 0))
        {
            throw new InvalidDataException($"{path}: expected version 1 statistics with equal-length finite mean and non-negative variance and a positive count.");
        }
        var stats = new RunningMeanStd(s.Mean.Length) { Count = s.Count };
        s.Mean.CopyTo(stats.mean, 0);
        s.Variance.CopyTo(stats.variance, 0);
        return stats;
    }
}
