// Custom ops through Autograd.Function: a hand-written forward and backward (plain loops, no tensor ops) whose
// gradient must match central differences, and the errors of a misused or misbehaving custom op.
using Control.Core;

namespace Control.Tensors.Tests;

public class FunctionTests
{
    // y = sin(a) * b^2 elementwise, computed and differentiated by hand.
    private static Tensor SinTimesSquare(Tensor a, Tensor b)
    {
        double[] av = a.ToDoubleArray(), bv = b.ToDoubleArray();
        var y = new double[av.Length];
        for (int i = 0; i < y.Length; i++) y[i] = Math.Sin(av[i]) * bv[i] * bv[i];
        return Autograd.Function(Tensor.FromArray(y, a.ShapeArray()), "sin_times_square", [a, b], g =>
        {
            double[] gv = g.ToDoubleArray();
            var ga = new double[gv.Length];
            var gb = new double[gv.Length];
            for (int i = 0; i < gv.Length; i++)
            {
                ga[i] = gv[i] * Math.Cos(av[i]) * bv[i] * bv[i];
                gb[i] = gv[i] * Math.Sin(av[i]) * 2 * bv[i];
            }
            return [Tensor.FromArray(ga, a.ShapeArray()), Tensor.FromArray(gb, b.ShapeArray())];
        });
    }

    [Fact]
    public void CustomOpGradientMatchesFiniteDifferences()
    {
        Tensor a = GradCheck.Input(1, -2, 2, 3, 4);
        Tensor b = GradCheck.Input(2, -1, 1, 3, 4);
        GradCheck.Check(x => SinTimesSquare(x[0], x[1]).Tanh(), [a, b]);
    }

    [Fact]
    public void CustomOpComposesWithRecordedOpsOnBothSides()
    {
        Tensor a = GradCheck.Input(3, -1, 1, 5);
        Tensor b = GradCheck.Input(4, -1, 1, 5);
        GradCheck.Check(x => SinTimesSquare(x[0] * 2.0 + x[1], x[1].Exp()).Square(), [a, b]);
    }

    [Fact]
    public void InputsWithoutGradOrNoGradModeRecordNothing()
    {
        Tensor a = GradCheck.Input(5, -1, 1, 3);
        Tensor b = Tensor.Uniform(new Rng(6), -1, 1, DType.Float64, 3);
        Tensor y = SinTimesSquare(a, b);
        Assert.False(y.IsLeaf);
        Tensor[] grads = Autograd.Grad(y.Sum(), [a]);
        for (int i = 0; i < 3; i++) Assert.Equal(Math.Cos(a[i]) * b[i] * b[i], grads[0][i], 12);
        using (Autograd.NoGrad()) Assert.True(SinTimesSquare(a, b).IsLeaf);
        b.RequiresGrad = false;
        Tensor c = Tensor.Uniform(new Rng(7), -1, 1, DType.Float64, 3);
        Assert.False(SinTimesSquare(c, b).RequiresGrad);
    }

    [Fact]
    public void BackwardWithWrongGradientShapeOrCountThrows()
    {
        Tensor a = GradCheck.Input(8, -1, 1, 2, 3);
        Tensor wrongShape = Autograd.Function(a.Detach() * 2.0, "bad_shape", [a], g => [Tensor.Zeros(DType.Float64, 6)]);
        var e1 = Assert.Throws<TensorException>(() => wrongShape.Sum().Backward());
        Assert.Contains("bad_shape", e1.Message);
        Assert.Contains("(2, 3)", e1.Message);
        Tensor wrongCount = Autograd.Function(a.Detach() * 2.0, "bad_count", [a], g => [g, g]);
        var e2 = Assert.Throws<TensorException>(() => wrongCount.Sum().Backward());
        Assert.Contains("2 gradients for 1 inputs", e2.Message);
        Tensor wrongType = Autograd.Function(a.Detach() * 2.0, "bad_dtype", [a], g => [g.To(DType.Float32)]);
        Assert.Throws<TensorException>(() => wrongType.Sum().Backward());
    }

    [Fact]
    public void OutputThatIsRecordedOrAnInputIsRefused()
    {
        Tensor a = GradCheck.Input(9, -1, 1, 3);
        Assert.Throws<TensorException>(() => Autograd.Function(a, "identity", [a], g => [g]));
        Assert.Throws<TensorException>(() => Autograd.Function(a * 2.0, "recorded", [a], g => [g]));
        Tensor fresh = a.Detach() * 2.0;
        Assert.Throws<ArgumentException>(() => Autograd.Function(fresh, " ", [a], g => [g]));
    }
}
