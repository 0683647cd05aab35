// Central-difference checks of autodiff gradients (float64), shared by the op tests.
using Control.Core;

namespace Control.Tensors.Tests;

internal static class GradCheck
{
    /// <summary>
    /// Checks d/dx of L = sum(f(x) * w) for fixed random weights w against central differences, for every element
    /// of every input that requires grad.
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double h = 1e-6, double tolerance = 1e-6, int seed = 0)
    {
        Tensor y0 = f(inputs);
        Tensor w = Tensor.Uniform(new Rng(seed + 1000), 0.5, 1.5, DType.Float64, y0.ShapeArray());
        Tensor loss = (y0 * w).Sum();
        Tensor[] grads = Autograd.Grad(loss, inputs);
        for (int t = 0; t < inputs.Length; t++)
        {
            if (!inputs[t].RequiresGrad) continue;
            Span<double> x = inputs[t].Span<double>();
            for (int i = 0; i < x.Length; i++)
            {
                double orig = x[i];
                double step = h * Math.Max(1.0, Math.Abs(orig));
                x[i] = orig + step;
                double plus = Value(f, inputs, w);
                x[i] = orig - step;
                double minus = Value(f, inputs, w);
                x = inputs[t].Span<double>();
                x[i] = orig;
                double numeric = (plus - minus) / (2 * step);
                double analytic = grads[t][i];
                Assert.True(Math.Abs(numeric - analytic) <= tolerance * (1 + Math.Abs(numeric)),
                    $"input {t} element {i}: finite differences {numeric:R}, autodiff {analytic:R}");
            }
        }
    }

    private static double Value(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor w)
    {
        using (Autograd.NoGrad()) return (f(inputs) * w).Sum().Item();
    }

    /// <summary>A float64 leaf of the given shape with uniform values in [low, high) that requires grad.</summary>
    public static Tensor Input(int seed, double low, double high, params int[] shape)
    {
        Tensor t = Tensor.Uniform(new Rng(seed), low, high, DType.Float64, shape);
        t.RequiresGrad = true;
        return t;
    }
}
