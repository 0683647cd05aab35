using BenchmarkDotNet.Attributes;
using Control.Core;

namespace Control.Bench;

/// <summary>The textbook triple loop (i, j, p; dot products over contiguous rows of x and W) for scale.</summary>
[ShortRunJob]
[Config(typeof(GemmConfig))]
public class GemmNaiveBenchmarks
{
    private float[] a = null!, b = null!, c = null!;

    public static IEnumerable<GemmShape> Shapes()
    {
        yield return new GemmShape("naive b64 256->256", false, true, 64, 256, 256, false, 1);
    }

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(7);
        a = GemmBenchmarks.Fill(rng, Shape.M * Shape.K);
        b = GemmBenchmarks.Fill(rng, Shape.K * Shape.N);
        c = new float[Shape.M * Shape.N];
    }

    [Benchmark]
    public void Naive()
    {
        int m = Shape.M, n = Shape.N, k = Shape.K;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
                c[i * n + j] = s;
            }
    }
}
