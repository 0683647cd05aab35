// The seeded generator: reproducible streams, independent children, and the moments of its distributions.
namespace Control.Core.Tests;

public class RngTests
{
    [Fact]
    public void SameSeedSameStream()
    {
        var a = new Rng(42);
        var b = new Rng(42);
        for (int i = 0; i < 1000; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        Assert.NotEqual(new Rng(42).NextUInt64(), new Rng(43).NextUInt64());
    }

    [Fact]
    public void KnownFirstOutputs()
    {
        // xoshiro256** seeded through SplitMix64 from 0: the SplitMix64 outputs are the published
        // 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, ...; the first xoshiro output is rotl(s1 * 5, 7) * 9.
        ulong s1 = 0x6E789E6AA1B965F4UL;
        ulong expected = System.Numerics.BitOperations.RotateLeft(s1 * 5, 7) * 9;
        Assert.Equal(expected, new Rng(0UL).NextUInt64());
    }

    [Fact]
    public void ForkDependsOnlyOnSeedAndIndex()
    {
        var parent = new Rng(7);
        ulong first = parent.Fork(3).NextUInt64();
        parent.NextUInt64();
        Assert.Equal(first, parent.Fork(3).NextUInt64());
        Assert.NotEqual(first, parent.Fork(4).NextUInt64());
    }

    [Fact]
    public void SplitAdvancesAndDiffers()
    {
        var a = new Rng(1);
        Rng c1 = a.Split();
        Rng c2 = a.Split();
        Assert.NotEqual(c1.NextUInt64(), c2.NextUInt64());
        var b = new Rng(1);
        Assert.Equal(new Rng(1).Split().NextUInt64(), b.Split().NextUInt64());
    }

    [Fact]
    public void UniformNormalAndGumbelHaveTheirMoments()
    {
        var rng = new Rng(123);
        const int n = 200_000;
        double sum = 0, sumSq = 0, nsum = 0, nsumSq = 0, gsum = 0;
        for (int i = 0; i < n; i++)
        {
            double u = rng.NextDouble();
            Assert.InRange(u, 0.0, 1.0 - 1e-17);
            sum += u;
            sumSq += u * u;
            double z = rng.Normal();
            nsum += z;
            nsumSq += z * z;
            gsum += rng.Gumbel();
        }
        Assert.Equal(0.5, sum / n, 2);
        Assert.Equal(1.0 / 12, sumSq / n - 0.25, 2);
        Assert.Equal(0.0, nsum / n, 2);
        Assert.Equal(1.0, nsumSq / n, 2);
        Assert.Equal(0.5772156649, gsum / n, 2);   // Euler-Mascheroni constant: the Gumbel mean
    }

    [Fact]
    public void NextIntIsUniformAndInRange()
    {
        var rng = new Rng(5);
        var counts = new int[3];
        for (int i = 0; i < 90_000; i++) counts[rng.NextInt(3)]++;
        Assert.All(counts, c => Assert.InRange(c, 29_000, 31_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
    }
}
