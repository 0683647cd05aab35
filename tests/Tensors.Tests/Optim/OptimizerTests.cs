// The float32 Adam update (vectorized IEEE square root and division) against the float64 update.
using Control.Core;
using Control.Tensors.Optim;

namespace Control.Tensors.Tests.Optim;

public class OptimizerTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Float32AdamFollowsTheExactUpdate(bool decoupled)
    {
        const int n = 1003;
        var rng = new Rng(3);
        double[] start = Enumerable.Range(0, n).Select(_ => rng.Normal()).ToArray();
        Tensor p32 = Tensor.FromArray(start.Select(v => (float)v).ToArray()), p64 = Tensor.FromArray((double[])start.Clone());
        p32.RequiresGrad = true;
        p64.RequiresGrad = true;
        var config = new AdamConfig { LearningRate = 0.01, WeightDecay = 0.05, Decoupled = decoupled };
        var a32 = new Adam([p32], config);
        var a64 = new Adam([p64], config);
        for (int step = 0; step < 50; step++)
        {
            // Gradients spanning many magnitudes, including exact zeros.
            double[] g = Enumerable.Range(0, n).Select(i => i % 17 == 0 ? 0.0 : rng.Normal() * Math.Pow(10, rng.Uniform(-6, 1))).ToArray();
            p32.Grad = Tensor.FromArray(g.Select(v => (float)v).ToArray());
            p64.Grad = Tensor.FromArray(g);
            a32.Step();
            a64.Step();
        }
        double[] x32 = p32.ToDoubleArray(), x64 = p64.ToDoubleArray();
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(x32[i] - x64[i]) < 2e-5 * (1 + Math.Abs(x64[i])), $"[{i}]: float32 {x32[i]}, float64 {x64[i]}");
        Assert.All(x32, v => Assert.True(double.IsFinite(v)));
    }
}
