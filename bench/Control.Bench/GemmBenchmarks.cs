// Speed of the managed matrix multiply on the products of a 17 -> 256 -> 256 -> 6 MLP (PyTorch weight layout,
// W stored [out, in]): the forward y = x W^T at batch 1, 64, 256 and 4096, the two backward products of the hidden
// layer at batch 256 (dX = dY W and dW += dY^T X), a few of them again on two threads, the three forward products of
// batch-1 inference in a row, and a naive triple loop for scale. float32 throughout; the GFLOP/s column is
// 2 m n k / mean time. Operands are ordinary managed arrays (16-byte aligned, as the runtime gives them).
// Run: dotnet run -c Release --project bench/Control.Bench -- --filter '*Gemm*'
using BenchmarkDotNet.Attributes;
using Control.Core;
using Control.Tensors.Kernels;

namespace Control.Bench;

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
