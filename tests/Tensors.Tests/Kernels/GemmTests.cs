// The matrix multiply against a naive triple loop in double precision: every transpose case, float and double,
// with and without accumulation, on sizes that are not multiples of the tile shapes, with padded strides whose padding
// holds NaN (so that reading it would show), on every vector width the machine accelerates; the two-thread split is
// bit-identical to one thread; arguments are validated.
using System.Numerics;
using System.Runtime.Intrinsics;
using Control.Core;
using Control.Tensors.Kernels;

namespace Control.Tensors.Tests.Kernels;

public class GemmTests
{
    internal static readonly (int M, int N, int K)[] Sizes =
    [
        (0, 3, 4), (3, 0, 4), (3, 4, 0), (1, 1, 1), (3, 5, 7), (2, 9, 33), (5, 40, 3), (17, 33, 65), (100, 6, 256),
        (1, 256, 17), (2, 200, 19), (1, 300, 5), (4, 70, 31), (9, 7, 16), (64, 256, 256), (257, 31, 129), (12, 100, 800),
        (256, 256, 1), (256, 17, 1), (37, 31, 4), (9, 6, 2), (6, 33, 5), (300, 32, 3),
    ];

    /// <summary>Sizes run again with padded row strides (NaN in the padding).</summary>
    internal static readonly (int M, int N, int K)[] PaddedSizes = [(3, 5, 7), (17, 33, 65), (1, 256, 17), (100, 6, 256), (40, 70, 20), (37, 31, 4)];

    /// <summary>The vector widths to test: every accelerated one, and the scalar fallback.</summary>
    private static IEnumerable<int> Widths()
    {
        if (Vector512.IsHardwareAccelerated) yield return 512;
        if (Vector256.IsHardwareAccelerated) yield return 256;
        yield return 0;
    }

    /// <summary>A stored matrix: data with padded rows and NaN in the padding and past the end.</summary>
    internal sealed class Stored<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly T[] Data;
        public readonly int Rows, Cols, Ld, Length;

        public Stored(Rng rng, int rows, int cols, int pad, T fill)
        {
            Rows = rows;
            Cols = cols;
            Ld = cols + pad;
            Length = rows == 0 || cols == 0 ? 0 : (rows - 1) * Ld + cols;
            Data = new T[Length + 40];
            Array.Fill(Data, fill);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) Data[i * Ld + j] = T.CreateTruncating(rng.Uniform(-1, 1));
        }

        public double At(int i, int j) => double.CreateTruncating(Data[i * Ld + j]);

        public ReadOnlySpan<T> Span => Data.AsSpan(0, Length);
    }

    internal static void CheckCase<T>(bool transA, bool transB, int m, int n, int k, int pad, Rng rng, double tol)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new Stored<T>(rng, transA ? k : m, transA ? m : k, pad, T.NaN);
        var b = new Stored<T>(rng, transB ? n : k, transB ? k : n, pad + 1, T.NaN);
        var c0 = new Stored<T>(rng, m, n, pad == 0 ? 0 : 2, T.CreateTruncating(777.0));
        double OpA(int i, int p) => transA ? a.At(p, i) : a.At(i, p);
        double OpB(int p, int j) => transB ? b.At(j, p) : b.At(p, j);

        var exact = new double[m * n];
        var scale = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = OpA(i, p) * OpB(p, j);
                    s += x;
                    abs += Math.Abs(x);
                }
                exact[i * n + j] = s;
                scale[i * n + j] = abs;
            }

        foreach (int width in Widths())
            foreach (bool accumulate in new[] { false, true })
            {
                T[] c = (T[])c0.Data.Clone();
                Gemm.MultiplyWith<T>(transA, transB, m, n, k, a.Span, a.Ld, b.Span, b.Ld, c.AsSpan(0, c0.Length), c0.Ld,
                    accumulate, 1, width);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double before = c0.At(i, j);
                        double want = exact[i * n + j] + (accumulate ? before : 0);
                        double got = double.CreateTruncating(c[i * c0.Ld + j]);
                        double bound = tol * (scale[i * n + j] + (accumulate ? Math.Abs(before) : 0) + 1e-30);
                        if (!(Math.Abs(got - want) <= bound))
                            Assert.Fail($"{typeof(T).Name} transA={transA} transB={transB} {m}x{n}x{k} pad={pad} width={width} " +
                                $"accumulate={accumulate}: C[{i},{j}] = {got}, expected {want} (bound {bound})");
                    }
                // Row padding and everything past the end of C are untouched.
                for (int idx = 0; idx < c.Length; idx++)
                {
                    bool inside = idx < c0.Length && idx % c0.Ld < n;
                    if (!inside) Assert.Equal(c0.Data[idx], c[idx]);
                }
            }
    }

    public static IEnumerable<object[]> Cases()
    {
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
                yield return [transA, transB];
    }

    [Fact]
    public void MlpLayerShapes()
    {
        // The forward and backward products of a 17 -> 256 -> 256 -> 6 network at batch 1 and 64.
        var rng = new Rng(13);
        foreach (int batch in new[] { 1, 64 })
            foreach (var (inp, outp) in new[] { (17, 256), (256, 256), (256, 6) })
            {
                CheckCase<float>(false, true, batch, outp, inp, 0, rng, 1e-5);   // y = x W^T
                CheckCase<float>(false, false, batch, inp, outp, 0, rng, 1e-5);  // dX = dY W
                CheckCase<float>(true, false, outp, inp, batch, 0, rng, 1e-5);   // dW = dY^T X
            }
    }

    [Fact]
    public void GemvMatchesNaive()
    {
        // One row of A against B transposed (batch-1 inference): k below, at and past whole vectors and pairs of
        // vectors of both element types, n past every multiple of the four-row block, with and without padding.
        var rng = new Rng(14);
        int[] ks = [Gemm.GemvMinK, 65, 79, 95, 100, 129, 256, 1001];
        int[] ns = [1, 2, 3, 4, 5, 6, 7, 13, 257];
        foreach (int k in ks)
            foreach (int n in ns)
                foreach (int pad in new[] { 0, 3 })
                {
                    CheckCase<float>(false, true, 1, n, k, pad, rng, 1e-5);
                    CheckCase<double>(false, true, 1, n, k, pad, rng, 1e-12);
                }
    }

    private static void CheckThreads<T>(bool transA, bool transB, int m, int n, int k, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(m * 31 + n * 7 + k);
        var a = new Stored<T>(rng, transA ? k : m, transA ? m : k, 1, T.NaN);
        var b = new Stored<T>(rng, transB ? n : k, transB ? k : n, 0, T.NaN);
        var c0 = new Stored<T>(rng, m, n, 0, T.Zero);
        T[] one = (T[])c0.Data.Clone(), two = (T[])c0.Data.Clone();
        Gemm.Multiply<T>(transA, transB, m, n, k, a.Span, a.Ld, b.Span, b.Ld, one, n, accumulate, maxThreads: 1);
        Gemm.Multiply<T>(transA, transB, m, n, k, a.Span, a.Ld, b.Span, b.Ld, two, n, accumulate, maxThreads: 2);
        Assert.True(one.AsSpan().SequenceEqual(two), $"{typeof(T).Name} {transA} {transB} {m}x{n}x{k}: two threads differ from one");
    }

    [Fact]
    public void TwoThreadsAreBitIdentical()
    {
        Assert.True((long)1024 * 256 * 256 >= Gemm.ParallelThreshold);
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
            {
                CheckThreads<float>(transA, transB, 1024, 256, 256, accumulate: transA);
                CheckThreads<double>(transA, transB, 1024, 256, 256, accumulate: !transA);
            }
        CheckThreads<float>(false, false, 20, 1000, 300, false);   // general path split by columns
        CheckThreads<float>(false, true, 2, 40000, 64, false);     // dot path (small m) split by columns
        CheckThreads<float>(false, true, 1, 4099, 1025, true);     // gemv path split by columns, ragged last block
        CheckThreads<float>(false, true, 40000, 6, 32, true);      // dot path (small n) split by rows
        CheckThreads<float>(false, false, 3, 4000, 400, false);    // direct path split by columns
        CheckThreads<double>(true, false, 2, 4001, 600, true);     // direct path, A transposed, ragged last panel
        CheckThreads<float>(true, false, 140000, 30, 1, true);     // outer path (small k and n) split by rows
        CheckThreads<double>(false, false, 50000, 29, 3, false);   // outer path, A not transposed, scalar tail
    }

    private static void CheckAlignment<T>(bool transA, bool transB, int m, int n, int k, int ldb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The same B at every offset in a larger array (so at every alignment): the results are bit-identical.
        var rng = new Rng(m + n + k);
        var a = new Stored<T>(rng, transA ? k : m, transA ? m : k, 0, T.NaN);
        int bRows = transB ? n : k, bCols = transB ? k : n;
        int bLen = (bRows - 1) * ldb + bCols;
        var bData = new T[bLen];
        for (int i = 0; i < bLen; i++) bData[i] = T.CreateTruncating(rng.Uniform(-1, 1));
        foreach (int width in Widths())
        {
            T[]? first = null;
            for (int offset = 0; offset < 16; offset++)
            {
                var shifted = new T[bLen + 16];
                bData.CopyTo(shifted, offset);
                var c = new T[m * n];
                Gemm.MultiplyWith<T>(transA, transB, m, n, k, a.Span, a.Ld, shifted.AsSpan(offset, bLen), ldb, c, n, false, 1, width);
                if (first is null) first = c;
                else Assert.True(first.AsSpan().SequenceEqual(c), $"{typeof(T).Name} width {width} offset {offset}: result depends on alignment");
            }
        }
    }

    [Fact]
    public void ResultsDoNotDependOnAlignment()
    {
        CheckAlignment<float>(false, true, 1, 20, 256, 256);   // gemv path
        CheckAlignment<double>(false, true, 1, 7, 77, 80);
        CheckAlignment<float>(false, true, 2, 20, 256, 256);   // dot path, aligned loop start
        CheckAlignment<float>(false, true, 3, 9, 100, 112);
        CheckAlignment<double>(false, true, 2, 17, 77, 80);
        CheckAlignment<float>(false, false, 1, 200, 40, 208);  // direct path, peeled head
        CheckAlignment<float>(true, false, 3, 37, 20, 48);
        CheckAlignment<double>(false, false, 4, 70, 30, 72);
        CheckAlignment<float>(false, true, 40, 50, 60, 64);    // general path
    }

    [Fact]
    public void KZeroClearsOrKeeps()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply<float>(false, false, 2, 2, 0, [], 0, [], 2, c, 3, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, c);
        Gemm.Multiply<float>(false, false, 2, 2, 0, [], 0, [], 2, c, 3, accumulate: false);
        Assert.Equal(new float[] { 0, 0, 3, 0, 0, 6 }, c);
    }

    [Fact]
    public void ValidatesArguments()
    {
        float[] a = new float[12], b = new float[12], c = new float[9];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(false, false, 3, 3, 4, a.AsSpan(0, 11), 4, b, 3, c, 3, false));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("12", e.Message);
        Assert.Contains("11", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(false, true, 3, 3, 4, a, 4, b.AsSpan(0, 10), 4, c, 3, false));
        Assert.Equal("b", e.ParamName);
        Assert.Contains("12", e.Message);
        Assert.Contains("10", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(false, false, 3, 3, 4, a, 4, b, 3, c, 4, false));
        Assert.Equal("c", e.ParamName);
        Assert.Contains("11", e.Message);
        Assert.Contains("9", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(false, false, 3, 3, 4, a, 3, b, 3, c, 3, false));
        Assert.Equal("lda", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(true, false, 3, 3, 4, a, 2, b, 3, c, 3, false));
        Assert.Equal("lda", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(false, false, 3, 3, 4, a, 4, b, 2, c, 3, false));
        Assert.Equal("ldb", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(false, false, 3, 3, 4, a, 4, b, 3, c, 2, false));
        Assert.Equal("ldc", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply<float>(false, false, -1, 3, 4, a, 4, b, 3, c, 3, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply<float>(false, false, 3, -1, 4, a, 4, b, 3, c, 3, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply<float>(false, false, 3, 3, -1, a, 4, b, 3, c, 3, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply<float>(false, false, 3, 3, 4, a, 4, b, 3, c, 3, false, maxThreads: 0));
        Assert.Throws<NotSupportedException>(() => Gemm.Multiply<Half>(false, false, 1, 1, 1, new Half[1], 1, new Half[1], 1, new Half[1], 1, false));
    }
}

/// <summary>The float cases (a class of their own so that xunit runs them alongside the others).</summary>
public class GemmFloatTests
{
    [Theory]
    [MemberData(nameof(GemmTests.Cases), MemberType = typeof(GemmTests))]
    public void FloatMatchesNaive(bool transA, bool transB)
    {
        var rng = new Rng(11);
        foreach (var (m, n, k) in GemmTests.Sizes)
            GemmTests.CheckCase<float>(transA, transB, m, n, k, pad: 0, rng, 1e-5);
        foreach (var (m, n, k) in GemmTests.PaddedSizes)
            GemmTests.CheckCase<float>(transA, transB, m, n, k, pad: 3, rng, 1e-5);
    }
}

/// <summary>The double cases.</summary>
public class GemmDoubleTests
{
    [Theory]
    [MemberData(nameof(GemmTests.Cases), MemberType = typeof(GemmTests))]
    public void DoubleMatchesNaive(bool transA, bool transB)
    {
        var rng = new Rng(12);
        foreach (var (m, n, k) in GemmTests.Sizes)
            GemmTests.CheckCase<double>(transA, transB, m, n, k, pad: 0, rng, 1e-12);
        foreach (var (m, n, k) in GemmTests.PaddedSizes)
            GemmTests.CheckCase<double>(transA, transB, m, n, k, pad: 3, rng, 1e-12);
    }
}
