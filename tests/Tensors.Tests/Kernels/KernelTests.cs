// Vectorized kernels against the scalar reference functions.
using Control.Core;
using Control.Tensors.Kernels;

namespace Control.Tensors.Tests.Kernels;

public class KernelTests
{
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
