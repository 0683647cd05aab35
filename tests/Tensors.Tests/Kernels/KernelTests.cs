// Vectorized kernels against the scalar reference functions.
using Control.Core;
using Control.Tensors.Kernels;

namespace Control.Tensors.Tests.Kernels;

public class KernelTests
{
    // The step masks of ReLU's (Positive) and |x|'s (Sign) gradients, vectorized, equal their scalar definition on every
    // length around the vector widths (the tail loop included), with signed zeros, NaN and infinities among the inputs.
    [Fact]
    public void StepMasksEqualTheScalarDefinition()
    {
        var rng = new Rng(3);
        double[] special = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon];
        for (int length = 0; length <= 40; length++)
        {
            var x = new double[length];
            for (int i = 0; i < length; i++) x[i] = i % 5 == 0 ? special[(i / 5) % special.Length] : rng.Normal();
            float[] xf = [.. x.Select(v => (float)v)];
            foreach (UnaryOp op in new[] { UnaryOp.Positive, UnaryOp.Sign })
            {
                var y = new double[length];
                var yf = new float[length];
                Elementwise.Unary(op, x, y);
                Elementwise.Unary(op, xf, yf);
                for (int i = 0; i < length; i++)
                {
                    Assert.Equal(x[i] > 0 ? 1 : op == UnaryOp.Sign && x[i] < 0 ? -1 : 0, y[i]);
                    Assert.Equal(xf[i] > 0 ? 1 : op == UnaryOp.Sign && xf[i] < 0 ? -1 : 0, yf[i]);
                }
            }
        }
    }

    [Fact]
    public void FloatTanhIsAccurateEverywhere()
    {
        var rng = new Rng(1);
        var x = new float[100_003];
        for (int i = 0; i < x.Length; i++)
        {
            double scale = Math.Pow(10, rng.Uniform(-8, 2));
            x[i] = (float)(scale * (rng.NextDouble() < 0.5 ? -1 : 1));
        }
        x[0] = 0;
        x[1] = float.PositiveInfinity;
        x[2] = float.NegativeInfinity;
        // Both sides of the small-argument cut (|x| = 0.0004) and of the clamp (|x| = 7.9053111).
        x[3] = 0.0004f;
        x[4] = -0.00039999998f;
        x[5] = 7.9053111f;
        x[6] = -7.905311f;
        x[7] = 7.9053116f;
        x[8] = 30f;
        var y = new float[x.Length];
        Activations.Tanh(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Tanh(x[i]);
            Assert.True(Math.Abs(y[i] - exact) <= 4e-7 * Math.Abs(exact) + 1e-45, $"tanh({x[i]:R}) = {y[i]:R}, expected {exact:R}");
        }
        float[] withNaN = Enumerable.Repeat(0.7f, 40).ToArray();
        withNaN[3] = float.NaN;
        withNaN[39] = float.NaN;
        Activations.Tanh(withNaN, y.AsSpan(0, 40));
        Assert.True(float.IsNaN(y[3]) && float.IsNaN(y[39]));
        Assert.Equal(MathF.Tanh(0.7f), y[4], 6);
    }

    [Fact]
    public unsafe void TensorDataStartsOnA64ByteBoundary()
    {
        static long Address(Tensor t)
        {
            fixed (float* p = t.Span<float>()) return (long)p;
        }
        Assert.Equal(0, Address(Tensor.Zeros(300)) % 64);
        using (TensorScope.Begin())
        {
            for (int i = 0; i < 5; i++) Assert.Equal(0, Address(Tensor.Zeros(17 + i) * 2.0) % 64);
        }
        using (TensorScope.Begin())
        {
            Assert.Equal(0, Address(Tensor.Zeros(18) + 1.0) % 64);
        }
    }
}
