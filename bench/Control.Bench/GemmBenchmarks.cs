// Speed of the managed matrix multiply on the products of a 17 -> 256 -> 256 -> 6 MLP (PyTorch weight layout,
// W stored [out, in]): the forward y = x W^T at batch 1, 64, 256 and 4096, the two backward products of the hidden
// layer at batch 256 (dX = dY W and dW += dY^T X), a few of them again on two threads, the three forward products of
// batch-1 inference in a row, and a naive triple loop for scale. float32 throughout; the GFLOP/s column is
// 2 m n k / mean time. Operands are ordinary managed arrays (16-byte aligned, as the runtime gives them).
// Run: dotnet run -c Release --project bench/Control.Bench -- --filter '*Gemm*'
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Control.Tensors;
using Control.Tensors.Kernels;

namespace Control.Bench;

/// <summary>One product: C (m x n) = op(A) op(B), op(A) m x k, op(B) k x n, all row-major with tight strides.</summary>
public sealed record GemmShape(string Name, bool TransA, bool TransB, int M, int N, int K, bool Accumulate, int Threads,
    double? TotalFlops = null)
{
    public double Flops => TotalFlops ?? 2.0 * M * N * K;

    public override string ToString() => Name;
}

/// <summary>Adds the GFLOP/s column (2 m n k over the mean time) to the summary.</summary>
public sealed class GemmConfig : ManualConfig
{
    public GemmConfig() => AddColumn(new GflopsColumn());
}

public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "2 m n k / mean time, in 10^9 floating-point operations per second";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null || benchmarkCase.Parameters["Shape"] is not GemmShape shape) return "-";
        return (shape.Flops / stats.Mean).ToString("F1"); // operations per nanosecond = GFLOP/s
    }
}

/// <summary>Gemm.Multiply on the MLP shapes.</summary>
[ShortRunJob]
[Config(typeof(GemmConfig))]
public class GemmBenchmarks
{
    private float[] a = null!, b = null!, c = null!;

    /// <summary>
    /// Forward "b{batch} {in}->{out}" (x W^T), backward "dX b256" (dY W) and "dW+ b256" (dW += dY^T X) of the
    /// 256 -> 256 layer; "2T" runs on two threads. (Names stay under 20 characters so the table shows them whole.)
    /// </summary>
    public static IEnumerable<GemmShape> Shapes()
    {
        foreach (int batch in new[] { 1, 64, 256, 4096 })
            foreach (var (inp, outp) in new[] { (17, 256), (256, 256), (256, 6) })
                yield return new GemmShape($"b{batch} {inp}->{outp}", false, true, batch, outp, inp, false, 1);
        yield return new GemmShape("dX b256 256", false, false, 256, 256, 256, false, 1);
        yield return new GemmShape("dW+ b256 256", true, false, 256, 256, 256, true, 1);
        yield return new GemmShape("b4096 256->256 2T", false, true, 4096, 256, 256, false, 2);
        yield return new GemmShape("b256 256->256 2T", false, true, 256, 256, 256, false, 2);
        yield return new GemmShape("dX b256 256 2T", false, false, 256, 256, 256, false, 2);
        yield return new GemmShape("dW+ b256 256 2T", true, false, 256, 256, 256, true, 2);
    }

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(7);
        GemmShape s = Shape;
        a = Fill(rng, s.M * s.K);
        b = Fill(rng, s.K * s.N);
        c = Fill(rng, s.M * s.N);
    }

    internal static float[] Fill(Rng rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float)rng.Uniform(-1, 1);
        return x;
    }

    [Benchmark]
    public void Multiply()
    {
        GemmShape s = Shape;
        Gemm.Multiply<float>(s.TransA, s.TransB, s.M, s.N, s.K, a, s.TransA ? s.M : s.K, b, s.TransB ? s.K : s.N,
            c, s.N, s.Accumulate, s.Threads);
    }
}

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
