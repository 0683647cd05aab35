// Colored (1/f^beta) Gaussian noise along the time axis of a control sequence, as the iCEM planner samples it
// (Pinneri et al. 2020, "Sample-efficient cross-entropy method for real-time planning"): white noise is drawn in
// the frequency domain, every frequency's amplitude is scaled by f^(-beta/2) (so the power falls as 1/f^beta), and
// the inverse transform gives a sequence whose neighbouring steps are correlated. beta = 0 is white noise; beta = 2
// ("red" or Brownian-like noise) gives smooth perturbations that a swing-up can use and that do not shake a
// balanced pole.
//
// The inverse real DFT of independent Gaussian coefficients is a fixed linear map of H standard normals: the
// cosines of frequencies k = 0..H/2 and the sines of k = 1..(H-1)/2 (H columns in all), each with standard
// deviation sqrt(w_k), where w_k = P(f_k) at 0 and at the Nyquist frequency and 2 P(f_k) in between (both signs
// of the frequency), P(f) = max(f, 1/H)^-beta and f_k = k / H. The result is stationary: every step has the variance
// sum_k w_k, and the map is divided by its square root so that every step is exactly N(0, 1). With equal w_k (beta
// = 0) the columns are orthogonal with equal norms, which is white noise; then the normals are used directly.
// The map is stored by column, each padded to whole blocks of four SIMD vectors, and applied block by block with
// four independent sums (so that additions do not wait on each other): the sum over columns runs in the same
// order in every lane, so the result does not depend on the vector width.
using System.Numerics;
using System.Runtime.InteropServices;
using Control.Core;

namespace Control.Planning.Sampling;

/// <summary>Seeded 1/f^beta noise of a fixed length: an immutable map from standard normals, safe to share between threads.</summary>
public sealed class ColoredNoise
{
    private const int StackLimit = 1024;
    private const int Block = 4;
    private readonly double[]? basis;
    private readonly int padded;

    /// <summary>Noise sequences of <paramref name="length"/> steps whose power spectrum falls as 1/f^<paramref name="exponent"/>.</summary>
    public ColoredNoise(int length, double exponent)
    {
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), length, "colored noise: expected a length of at least 1 step.");
        if (!(exponent >= 0 && double.IsFinite(exponent)))
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "colored noise: expected a finite exponent beta >= 0 (0: white noise).");
        Length = length;
        Exponent = exponent;
        if (exponent == 0) return;

        // Column c is a cosine (c <= H/2, frequency c) or a sine (frequency c - H/2); row t is time step t.
        int cosines = length / 2 + 1;
        var amplitude = new double[length];
        double variance = 0;
        for (int c = 0; c < length; c++)
        {
            int k = c < cosines ? c : c - cosines + 1;
            double power = Math.Pow(Math.Max((double)k / length, 1.0 / length), -exponent);
            bool single = k == 0 || 2 * k == length;
            double weight = single ? power : 2 * power;
            amplitude[c] = Math.Sqrt(weight);
            if (c < cosines) variance += weight;
        }
        double scale = 1 / Math.Sqrt(variance);
        int width = Block * Vector<double>.Count;
        padded = (length + width - 1) / width * width;
        basis = new double[length * padded];
        for (int c = 0; c < length; c++)
        {
            int k = c < cosines ? c : c - cosines + 1;
            for (int t = 0; t < length; t++)
            {
                double phase = 2 * Math.PI * k * t / length;
                basis[c * padded + t] = scale * amplitude[c] * (c < cosines ? Math.Cos(phase) : Math.Sin(phase));
            }
        }
    }

    /// <summary>H, steps per sequence.</summary>
    public int Length { get; }

    /// <summary>beta: the power at frequency f is proportional to f^-beta (0: white noise).</summary>
    public double Exponent { get; }

    /// <summary>
    /// Fills <paramref name="sequence"/>, H x <paramref name="channels"/> row-major, with one independent noise
    /// sequence per channel (column), each step N(0, 1), drawing only from <paramref name="random"/>.
    /// </summary>
    public void Fill(Rng random, Span<double> sequence, int channels)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (channels < 1 || sequence.Length != Length * channels)
            throw new ArgumentException($"colored noise: expected {Length} steps x {channels} channels = {Length * channels} values, got {sequence.Length} (channels >= 1).");
        if (basis is null)
        {
            random.FillNormal(sequence);
            return;
        }
        Span<double> normals = Length <= StackLimit ? stackalloc double[Length] : new double[Length];
        Span<double> values = padded <= StackLimit ? stackalloc double[padded] : new double[padded];
        Span<Vector<double>> sums = MemoryMarshal.Cast<double, Vector<double>>(values);
        ReadOnlySpan<Vector<double>> columns = MemoryMarshal.Cast<double, Vector<double>>(basis);
        int stride = sums.Length;
        for (int j = 0; j < channels; j++)
        {
            random.FillNormal(normals);
            for (int v = 0; v < stride; v += Block)
            {
                Vector<double> sum0 = Vector<double>.Zero, sum1 = sum0, sum2 = sum0, sum3 = sum0;
                for (int c = 0; c < Length; c++)
                {
                    ReadOnlySpan<Vector<double>> block = columns.Slice(c * stride + v, Block);
                    double z = normals[c];
                    sum0 += z * block[0];
                    sum1 += z * block[1];
                    sum2 += z * block[2];
                    sum3 += z * block[3];
                }
                sums[v] = sum0;
                sums[v + 1] = sum1;
                sums[v + 2] = sum2;
                sums[v + 3] = sum3;
            }
            for (int t = 0; t < Length; t++) sequence[t * channels + j] = values[t];
        }
    }
}
