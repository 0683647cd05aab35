using Control.Core;

namespace Control.Tensors.Tests;

// Sine and cosine equal the C runtime's Math.Sin / MathF.Sin (and Cos) to the last bit, in single and double precision:
// the runtime's functions give the same bits in every tier of the JIT, which TensorPrimitives' vectorized versions do
// not (a few doubles in 1,000 differ between a process's first calls and its recompiled code), so a seeded run that
// steps an analytic model through these ops repeats across processes.
public class TrigonometryTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SineAndCosineAreTheRuntimesToTheLastBit(DType dtype)
    {
        var rng = new Rng(11);
        double[] x = Enumerable.Range(0, 4096).Select(_ => rng.Uniform(-40, 40)).ToArray();
        Tensor t = Tensor.FromArray(x, x.Length).To(dtype);
        Tensor sin = t.Sin(), cos = t.Cos();
        for (int i = 0; i < x.Length; i++)
        {
            if (dtype == DType.Float32)
            {
                float xf = (float)x[i];
                Assert.Equal(MathF.Sin(xf), sin.Span<float>()[i]);
                Assert.Equal(MathF.Cos(xf), cos.Span<float>()[i]);
            }
            else
            {
                Assert.Equal(Math.Sin(x[i]), sin.Span<double>()[i]);
                Assert.Equal(Math.Cos(x[i]), cos.Span<double>()[i]);
            }
        }
    }
}
