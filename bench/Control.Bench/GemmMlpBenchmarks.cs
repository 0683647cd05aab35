using BenchmarkDotNet.Attributes;
using Control.Core;
using Control.Tensors.Kernels;

namespace Control.Bench;

/// <summary>Batch-1 inference through 17 -> 256 -> 256 -> 6: the three products x W^T in a row (no bias, no activation).</summary>
[ShortRunJob]
[Config(typeof(GemmConfig))]
public class GemmMlpBenchmarks
{
    private float[] x = null!, w1 = null!, w2 = null!, w3 = null!, h1 = null!, h2 = null!, y = null!;

    public static IEnumerable<GemmShape> Shapes()
    {
        yield return new GemmShape("b1 MLP fwd 3 layers", false, true, 1, 0, 0, false, 1, 2.0 * (17 * 256 + 256 * 256 + 256 * 6));
    }

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(7);
        x = GemmBenchmarks.Fill(rng, 17);
        w1 = GemmBenchmarks.Fill(rng, 256 * 17);
        w2 = GemmBenchmarks.Fill(rng, 256 * 256);
        w3 = GemmBenchmarks.Fill(rng, 6 * 256);
        h1 = new float[256];
        h2 = new float[256];
        y = new float[6];
    }

    [Benchmark]
    public void Forward()
    {
        Gemm.Multiply<float>(false, true, 1, 256, 17, x, 17, w1, 17, h1, 256, false);
        Gemm.Multiply<float>(false, true, 1, 256, 256, h1, 256, w2, 256, h2, 256, false);
        Gemm.Multiply<float>(false, true, 1, 6, 256, h2, 256, w3, 256, y, 6, false);
    }
}
