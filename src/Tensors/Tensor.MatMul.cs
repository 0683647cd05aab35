// Matrix products on the GEMM kernel, with the transposed variants backward needs, and the affine map of a
// linear layer.
using Control.Tensors.Kernels;

namespace Control.Tensors;

public sealed partial class Tensor
{
    /// <summary>Matrix product a (m, k) x b (k, n) -> (m, n).</summary>
    public static Tensor MatMul(Tensor a, Tensor b) => MatMul(a, b, transposeA: false, transposeB: false);

    /// <summary>
    /// op(a) x op(b) where op transposes when asked: a is (m, k), or (k, m) with <paramref name="transposeA"/>;
    /// b is (k, n), or (n, k) with <paramref name="transposeB"/>. No transposed copy is made.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA, bool transposeB)
    {
        CheckSameDType(a, b, "matmul");
        if (a.Rank != 2 || b.Rank != 2)
            throw new TensorException($"matmul: expected two matrices, got shapes {Format(a.shape)} and {Format(b.shape)}.");
        int m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1];
        int kb = transposeB ? b.shape[1] : b.shape[0], n = transposeB ? b.shape[0] : b.shape[1];
        if (k != kb)
        {
            throw new TensorException(
                $"matmul: inner dimensions differ: {Format(a.shape)}{(transposeA ? "^T" : "")} x {Format(b.shape)}{(transposeB ? "^T" : "")} ({k} vs {kb}).");
        }
        Tensor y = Empty(a.DType, [m, n]);
        Multiply(a, b, transposeA, transposeB, m, n, k, y, accumulate: false);
        if (!Autograd.Needed(a, b)) return Autograd.Check(y, "matmul", a, b);
        return Autograd.Record(y, "matmul", [a, b], g =>
        [
            // y = op(A) op(B): dA = g op(B)^T (or its transpose), dB = op(A)^T g (or its transpose).
            a.RequiresGrad ? (transposeA ? MatMul(b, g, transposeB, true) : MatMul(g, b, false, !transposeB)) : null,
            b.RequiresGrad ? (transposeB ? MatMul(g, a, true, transposeA) : MatMul(a, g, !transposeA, false)) : null,
        ]);
    }

    /// <summary>x W^T + b for x (B, in), W (out, in) as PyTorch stores it, and b (out,) or null.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        if (bias is null) return MatMul(x, weight, transposeA: false, transposeB: true);
        CheckSameDType(x, weight, "linear");
        CheckSameDType(x, bias, "linear");
        if (x.Rank != 2 || weight.Rank != 2 || bias.Rank != 1 || x.shape[1] != weight.shape[1] || bias.shape[0] != weight.shape[0])
        {
            throw new TensorException(
                $"linear: expected x (B, in), weight (out, in), bias (out,), got {Format(x.shape)}, {Format(weight.shape)}, {Format(bias.shape)}.");
        }
        int m = x.shape[0], n = weight.shape[0], k = x.shape[1];
        // The bias is written into every row first and the product accumulated onto it: one pass over y.
        Tensor y = Empty(x.DType, [m, n]);
        if (x.DType == DType.Float32) FillRows<float>(bias.Span<float>(), y.Span<float>(), m);
        else FillRows<double>(bias.Span<double>(), y.Span<double>(), m);
        Multiply(x, weight, false, true, m, n, k, y, accumulate: true);
        if (!Autograd.IsEnabled || !(x.RequiresGrad || weight.RequiresGrad || bias.RequiresGrad)) return Autograd.Check(y, "linear", x, weight);
        return Autograd.Record(y, "linear", [x, weight, bias], g =>
        [
            x.RequiresGrad ? MatMul(g, weight) : null,
            weight.RequiresGrad ? WeightGradient(g, x, weight) : null,
            bias.RequiresGrad ? g.Sum(0) : null,
        ]);
    }

    // dW = g^T x. In a first-order Backward into a leaf weight, the product is accumulated straight into the
    // weight's Grad buffer (no temporary, no second pass) and nothing is returned to the engine.
    private static Tensor? WeightGradient(Tensor g, Tensor x, Tensor weight)
    {
        if (!Autograd.WritesLeafGradients || !weight.IsLeaf) return MatMul(g, x, transposeA: true, transposeB: false);
        Tensor buffer = weight.GradBufferForWrite(out bool accumulate);
        Multiply(g, x, true, false, weight.shape[0], weight.shape[1], g.shape[0], buffer, accumulate);
        return null;
    }

    private static void FillRows<T>(ReadOnlySpan<T> row, Span<T> destination, int rows) where T : unmanaged
    {
        for (int r = 0; r < rows; r++) row.CopyTo(destination.Slice(r * row.Length, row.Length));
    }

    private static void Multiply(Tensor a, Tensor b, bool transA, bool transB, int m, int n, int k, Tensor c, bool accumulate)
    {
        int threads = (long)m * n * k >= 1L << 22 ? TensorThreads.Current : 1;
        if (a.DType == DType.Float32)
        {
            Gemm.Multiply<float>(transA, transB, m, n, k, a.Span<float>(), a.shape[1], b.Span<float>(), b.shape[1], c.Span<float>(), n, accumulate, threads);
        }
        else
        {
            Gemm.Multiply<double>(transA, transB, m, n, k, a.Span<double>(), a.shape[1], b.Span<double>(), b.shape[1], c.Span<double>(), n, accumulate, threads);
        }
    }
}
