// Set-up shared by the sampling planners: the per-control noise scale from a config (explicit, or a fraction
// of the control bounds), and the cold-start control sequence.
using Control.Core.Envs;

namespace Control.Planning.Sampling;

/// <summary>Noise scales and cold starts of the sampling planners.</summary>
public static class SamplingSetup
{
    /// <summary>
    /// The m standard deviations to sample with: <paramref name="explicitStd"/> when given (m positive finite
    /// entries), otherwise <paramref name="fraction"/> times each control's range, which must then be finite.
    /// </summary>
    public static double[] NoiseStd(string planner, Box bounds, double[]? explicitStd, double fraction)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        int m = bounds.FlatSize;
        if (explicitStd is not null)
        {
            if (explicitStd.Length != m)
                throw new ArgumentException($"{planner}: expected a standard deviation per control ({m} entries), got {explicitStd.Length}.");
            for (int j = 0; j < m; j++)
            {
                if (!(explicitStd[j] > 0 && double.IsFinite(explicitStd[j])))
                    throw new ArgumentOutOfRangeException(nameof(explicitStd), explicitStd[j], $"{planner}: expected a positive finite standard deviation for control {j}.");
            }
            return (double[])explicitStd.Clone();
        }
        if (!(fraction > 0 && double.IsFinite(fraction)))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, $"{planner}: expected a positive finite standard-deviation fraction of the control range.");
        var std = new double[m];
        for (int j = 0; j < m; j++)
        {
            double range = bounds.High[j] - bounds.Low[j];
            if (!(range > 0 && double.IsFinite(range)))
            {
                throw new ArgumentException(
                    $"{planner}: control {j} has bounds [{bounds.Low[j]}, {bounds.High[j]}], so its noise cannot be a fraction of the range; give the standard deviations explicitly.");
            }
            std[j] = fraction * range;
        }
        return std;
    }

    /// <summary>Fills an H x m control sequence with the zero control clipped into the bounds.</summary>
    public static void ColdStart(Span<double> controls, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        int m = lower.Length;
        for (int i = 0; i < controls.Length; i++) controls[i] = Math.Clamp(0.0, lower[i % m], upper[i % m]);
    }
}
