// A seeded, splittable pseudo-random generator: the only source of randomness in Control.
// xoshiro256** (Blackman & Vigna, 2018) for the stream, SplitMix64 to expand seeds and derive children,
// so that the same seed gives the same numbers on every machine and every run.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Control.Core;

/// <summary>
/// Seeded pseudo-random generator (xoshiro256**). Not thread-safe: give each thread its own generator,
/// obtained with <see cref="Split"/> or <see cref="Fork"/>.
/// </summary>
public sealed class Rng
{
    private ulong s0, s1, s2, s3;
    private double spareNormal;
    private bool hasSpareNormal;

    /// <summary>Creates a generator whose whole stream is determined by <paramref name="seed"/>.</summary>
    public Rng(ulong seed)
    {
        Seed = seed;
        ulong state = seed;
        s0 = SplitMix64(ref state);
        s1 = SplitMix64(ref state);
        s2 = SplitMix64(ref state);
        s3 = SplitMix64(ref state);
    }

    /// <summary>Creates a generator from a signed seed (the usual form of seeds in configs and on the command line).</summary>
    public Rng(long seed) : this(unchecked((ulong)seed)) { }

    /// <summary>Creates a generator from an <see cref="int"/> seed.</summary>
    public Rng(int seed) : this((long)seed) { }

    /// <summary>The seed this generator was created with.</summary>
    public ulong Seed { get; }

    /// <summary>The generator's whole state (seed, stream position, pending normal), for checkpoints.</summary>
    public RngState GetState() => new(Seed, s0, s1, s2, s3, spareNormal, hasSpareNormal);

    /// <summary>A generator that continues exactly where the one that gave <paramref name="state"/> was.</summary>
    public static Rng FromState(RngState state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
            throw new ArgumentException("Rng.FromState: expected a state with at least one non-zero word (an all-zero xoshiro state never leaves zero).", nameof(state));
        return new Rng(state.Seed)
        {
            s0 = state.S0, s1 = state.S1, s2 = state.S2, s3 = state.S3,
            spareNormal = state.SpareNormal, hasSpareNormal = state.HasSpareNormal,
        };
    }

    /// <summary>
    /// A child generator for stream <paramref name="index"/>, determined by this generator's seed and the index
    /// only (not by how many numbers were drawn): <c>new Rng(s).Fork(3)</c> is always the same stream.
    /// </summary>
    public Rng Fork(long index)
    {
        ulong state = Seed ^ 0x9E3779B97F4A7C15UL * (unchecked((ulong)index) + 1);
        return new Rng(SplitMix64(ref state));
    }

    /// <summary>A child generator seeded from this generator's next output; advances this generator.</summary>
    public Rng Split()
    {
        ulong state = NextUInt64();
        return new Rng(SplitMix64(ref state));
    }

    /// <summary>Next 64 uniformly random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, <paramref name="n"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "expected a positive bound");
        ulong bound = (ulong)n;
        ulong x = NextUInt64() >> 32;
        ulong m = x * bound;
        ulong low = m & 0xFFFFFFFFUL;
        if (low < bound)
        {
            ulong threshold = (0x1_0000_0000UL - bound) % bound;
            while (low < threshold)
            {
                x = NextUInt64() >> 32;
                m = x * bound;
                low = m & 0xFFFFFFFFUL;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>Standard normal sample (Marsaglia polar method; the spare value is kept for the next call).</summary>
    public double Normal()
    {
        if (hasSpareNormal)
        {
            hasSpareNormal = false;
            return spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double factor = Math.Sqrt(-2.0 * Math.Log(s) / s);
        spareNormal = v * factor;
        hasSpareNormal = true;
        return u * factor;
    }

    /// <summary>Normal sample with the given mean and standard deviation.</summary>
    public double Normal(double mean, double stddev) => mean + stddev * Normal();

    /// <summary>Standard Gumbel sample, -log(-log U) with U in (0, 1).</summary>
    public double Gumbel()
    {
        double u;
        do { u = NextDouble(); } while (u == 0.0);
        return -Math.Log(-Math.Log(u));
    }

    /// <summary>Fills <paramref name="destination"/> with uniform samples in [low, high).</summary>
    public void FillUniform(Span<double> destination, double low, double high)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = Uniform(low, high);
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal samples.</summary>
    public void FillNormal(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = Normal();
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
