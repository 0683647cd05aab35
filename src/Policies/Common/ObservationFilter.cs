using Control.Core;

namespace Control.Policies.Common;

/// <summary>Observation normalization by running statistics (SB3's VecNormalize for observations).</summary>
public sealed class ObservationFilter
{
    /// <summary>A filter over observations of <paramref name="size"/> values, clipped to +-<paramref name="clip"/> after normalizing.</summary>
    public ObservationFilter(int size, double clip = 10.0)
    {
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "expected a positive clip bound");
        Statistics = new RunningMeanStd(size);
        Clip = clip;
    }

    /// <summary>The running mean and variance.</summary>
    public RunningMeanStd Statistics { get; }

    /// <summary>Bound on normalized values.</summary>
    public double Clip { get; }

    /// <summary>Whether <see cref="Apply"/> updates the statistics (on while training, off while evaluating).</summary>
    public bool Training { get; set; } = true;

    /// <summary>Updates the statistics with the batch (when training), then writes the normalized batch as floats.</summary>
    public void Apply(ReadOnlySpan<double> batch, Span<float> destination)
    {
        int size = Statistics.Size;
        if (batch.Length % size != 0 || destination.Length != batch.Length)
            throw new ArgumentException($"ObservationFilter: expected a batch of rows of {size} values and an equal destination, got {batch.Length} and {destination.Length}.");
        if (Training) Statistics.UpdateBatch(batch);
        ObservationNormalizer.Apply(Statistics.Mean, Statistics.Variance, ObservationNormalizer.DefaultEpsilon, Clip, batch, destination);
    }

    /// <summary>The current statistics, frozen, as the normalizer of an <see cref="InferencePolicy"/>.</summary>
    public ObservationNormalizer Freeze() => new(Statistics.Mean, Statistics.Variance, ObservationNormalizer.DefaultEpsilon, Clip);
}
