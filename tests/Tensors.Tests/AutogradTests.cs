// The tape itself: accumulation, no-grad, second order, Jacobians, anomaly detection, scopes and errors.
using Control.Core;

namespace Control.Tensors.Tests;

public class AutogradTests
{
    private static Tensor In(int seed, params int[] shape) => GradCheck.Input(seed, -1, 1, shape);

    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        Tensor x = In(1, 3);
        (x * 2.0).Sum().Backward();
        (x * 3.0).Sum().Backward();
        Assert.All(x.Grad!.ToDoubleArray(), g => Assert.Equal(5.0, g, 12));
    }

    [Fact]
    public void ZeroGradMakesTheNextBackwardWriteAndReadsAsZeros()
    {
        Tensor x = In(11, 3);
        (x * 2.0).Sum().Backward();
        Tensor buffer = x.Grad!;
        x.ZeroGrad();
        (x * 5.0).Sum().Backward();
        Assert.Same(buffer, x.Grad);
        Assert.All(x.Grad!.ToDoubleArray(), g => Assert.Equal(5.0, g, 12));
        x.ZeroGrad();
        Assert.All(x.Grad!.ToDoubleArray(), g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void LinearWeightGradientsAccumulateZeroAndMatchTheFunctionalGradient()
    {
        var layer = new Control.Tensors.NN.Linear(3, 2, new Rng(4), dtype: DType.Float64);
        Tensor x = Tensor.Uniform(new Rng(5), -1, 1, DType.Float64, 4, 3);
        Tensor Loss() => layer.Forward(x).Tanh().Square().Sum();
        Tensor expected = Autograd.Grad(Loss(), [layer.Weight])[0];
        Assert.Null(layer.Weight.Grad);
        Loss().Backward();
        Assert.Equal(expected.ToDoubleArray(), layer.Weight.Grad!.ToDoubleArray());
        Loss().Backward();
        for (int i = 0; i < 6; i++) Assert.Equal(2 * expected[i], layer.Weight.Grad[i], 12);
        layer.ZeroGrad();
        Loss().Backward();
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], layer.Weight.Grad[i], 12);
        // A weight used twice: both uses add up.
        (layer.Forward(x).Sum() + layer.Forward(x * 2.0).Sum()).Backward();
        Tensor twice = Autograd.Grad(layer.Forward(x).Sum() + layer.Forward(x * 2.0).Sum(), [layer.Weight])[0];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i] + twice[i], layer.Weight.Grad[i], 12);
    }

    [Fact]
    public void UpstreamGradientForNonScalars()
    {
        Tensor x = In(2, 2, 3);
        Tensor y = x.Square();
        Tensor upstream = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        y.Backward(upstream);
        double[] xs = x.ToDoubleArray();
        for (int i = 0; i < 6; i++) Assert.Equal(2 * xs[i] * (i + 1), x.Grad![i], 12);
        var e = Assert.Throws<TensorException>(() => x.Square().Backward());
        Assert.Contains("not a scalar", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        var e2 = Assert.Throws<TensorException>(() => x.Square().Backward(Tensor.Zeros(DType.Float64, 3, 2)));
        Assert.Contains("(2, 3)", e2.Message);
        Assert.Contains("(3, 2)", e2.Message);
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        Tensor x = In(3, 4);
        using (Autograd.NoGrad())
        {
            Tensor y = (x * x).Sum();
            Assert.False(y.RequiresGrad);
            Assert.True(y.IsLeaf);
            var e = Assert.Throws<TensorException>(() => y.Backward());
            Assert.Contains("does not require grad", e.Message);
        }
        Assert.True((x * x).Sum().RequiresGrad);
    }

    [Fact]
    public void HessianVectorProductsEqualDifferencesOfGradients()
    {
        // f(w) = sum(tanh(X w)^2) + 0.1 |w|^4 for w in R^5: a non-quadratic function with a dense Hessian.
        Tensor xData = Tensor.Uniform(new Rng(4), -1, 1, DType.Float64, 7, 5);
        Tensor w = In(5, 5, 1);
        Tensor v = Tensor.Uniform(new Rng(6), -1, 1, DType.Float64, 5, 1);
        Tensor F() => Tensor.MatMul(xData, w).Tanh().Square().Sum() + 0.1 * w.Square().Sum().Square();
        Tensor hv = Autograd.HessianVectorProduct(F, [w], [v])[0];

        double h = 1e-5;
        double[] Gradient(double[] point)
        {
            Tensor p = Tensor.FromArray(point, 5, 1);
            p.RequiresGrad = true;
            Tensor value = Tensor.MatMul(xData, p).Tanh().Square().Sum() + 0.1 * p.Square().Sum().Square();
            return Autograd.Grad(value, [p])[0].ToDoubleArray();
        }
        double[] w0 = w.ToDoubleArray(), vv = v.ToDoubleArray();
        double[] plus = Gradient(w0.Select((x, i) => x + h * vv[i]).ToArray());
        double[] minus = Gradient(w0.Select((x, i) => x - h * vv[i]).ToArray());
        for (int i = 0; i < 5; i++) Assert.Equal((plus[i] - minus[i]) / (2 * h), hv[i], 7);
    }

    [Fact]
    public void MseLossHasSecondDerivatives()
    {
        // The fused mse_loss records a differentiable backward under createGraph: H v of mse(tanh(X w), y).
        Tensor xData = Tensor.Uniform(new Rng(4), -1, 1, DType.Float64, 7, 5);
        Tensor target = Tensor.Uniform(new Rng(5), -1, 1, DType.Float64, 7, 2);
        Tensor w = In(6, 5, 2);
        Tensor v = Tensor.Uniform(new Rng(7), -1, 1, DType.Float64, 5, 2);
        Tensor hv = Autograd.HessianVectorProduct(() => Loss.Mse(Tensor.MatMul(xData, w).Tanh(), target), [w], [v])[0];
        double h = 1e-5;
        double[] Gradient(double[] point)
        {
            Tensor p = Tensor.FromArray(point, 5, 2);
            p.RequiresGrad = true;
            return Autograd.Grad(Loss.Mse(Tensor.MatMul(xData, p).Tanh(), target), [p])[0].ToDoubleArray();
        }
        double[] w0 = w.ToDoubleArray(), vv = v.ToDoubleArray();
        double[] plus = Gradient(w0.Select((x, i) => x + h * vv[i]).ToArray());
        double[] minus = Gradient(w0.Select((x, i) => x - h * vv[i]).ToArray());
        for (int i = 0; i < 10; i++) Assert.Equal((plus[i] - minus[i]) / (2 * h), hv[i], 7);
    }

    [Fact]
    public void SecondDerivativesOfEveryUnaryOp()
    {
        Func<Tensor, Tensor>[] ops =
        [
            t => t.Exp(), t => (t + 3.0).Log(), t => (t + 3.0).Sqrt(), t => t.Tanh(), t => t.Sigmoid(), t => t.Softplus(), t => t.Sin(), t => t.Cos(),
            t => t.Elu(), t => t.Square(), t => t.Pow(3), t => t.Softmax(0), t => t.LogSoftmax(0), t => t.LogSumExp(0),
            t => (t * 2.0) / (t.Square() + 1.0), t => Tensor.Maximum(t, t.Square() - 0.5),
        ];
        foreach (Func<Tensor, Tensor> op in ops)
        {
            Tensor x = In(7, 4);
            Tensor v = Tensor.Uniform(new Rng(8), -1, 1, DType.Float64, 4);
            Tensor hv = Autograd.HessianVectorProduct(() => op(x).Sum(), [x], [v])[0];
            double h = 1e-5;
            double[] Grad(double[] p)
            {
                Tensor t = Tensor.FromArray(p);
                t.RequiresGrad = true;
                return Autograd.Grad(op(t).Sum(), [t])[0].ToDoubleArray();
            }
            double[] x0 = x.ToDoubleArray(), vv = v.ToDoubleArray();
            double[] gp = Grad(x0.Select((a, i) => a + h * vv[i]).ToArray());
            double[] gm = Grad(x0.Select((a, i) => a - h * vv[i]).ToArray());
            for (int i = 0; i < 4; i++) Assert.Equal((gp[i] - gm[i]) / (2 * h), hv[i], 6);
        }
    }

    [Fact]
    public void BatchJacobianEqualsFiniteDifferences()
    {
        Tensor weights = Tensor.Uniform(new Rng(9), -1, 1, DType.Float64, 3, 4);
        Tensor F(Tensor x) => Tensor.MatMul(x, weights, false, true).Tanh() * x.Narrow(1, 0, 3);
        Tensor x = Tensor.Uniform(new Rng(10), -1, 1, DType.Float64, 5, 4);
        Tensor j = Autograd.BatchJacobian(F, x);
        Assert.Equal([5, 3, 4], j.ShapeArray());
        double h = 1e-6;
        for (int b = 0; b < 5; b++)
        {
            for (int col = 0; col < 4; col++)
            {
                double[] xp = x.ToDoubleArray(), xm = x.ToDoubleArray();
                xp[b * 4 + col] += h;
                xm[b * 4 + col] -= h;
                Tensor yp = F(Tensor.FromArray(xp, 5, 4)), ym = F(Tensor.FromArray(xm, 5, 4));
                for (int row = 0; row < 3; row++)
                    Assert.Equal((yp[b * 3 + row] - ym[b * 3 + row]) / (2 * h), j[(b * 3 + row) * 4 + col], 8);
            }
        }
        Tensor single = Autograd.Jacobian(v => F(v.Reshape(1, 4)).Reshape(3), x.Select(2).Detach());
        for (int i = 0; i < 12; i++) Assert.Equal(j[(2 * 3) * 4 + i], single[i], 12);
    }

    [Fact]
    public void AnomalyModeNamesTheFirstOpThatProducedNaN()
    {
        Tensor x = Tensor.FromArray(new double[] { 1, -1, 2 });
        x.RequiresGrad = true;
        using (Autograd.DetectAnomaly())
        {
            var e = Assert.Throws<TensorException>(() => (x * 2.0).Log().Sum());
            Assert.Contains("op 'log' produced NaN", e.Message);
            Tensor y = (x.Square() + 1.0).Sqrt();
            Assert.True(double.IsFinite(y.Sum().Item()));
        }
        Assert.True(double.IsNaN((x * 2.0).Log().Sum().Item()));
    }

    [Fact]
    public void ShapeAndDTypeErrorsNameTheOpAndBothShapes()
    {
        Tensor a = Tensor.Zeros(3, 4), b = Tensor.Zeros(5, 4), c = Tensor.Zeros(DType.Float64, 3, 4);
        var e = Assert.Throws<TensorException>(() => a + b);
        Assert.Contains("add", e.Message);
        Assert.Contains("(3, 4)", e.Message);
        Assert.Contains("(5, 4)", e.Message);
        var m = Assert.Throws<TensorException>(() => Tensor.MatMul(a, b));
        Assert.Contains("matmul", m.Message);
        Assert.Contains("(5, 4)", m.Message);
        var d = Assert.Throws<TensorException>(() => a * c);
        Assert.Contains("float32", d.Message);
        Assert.Contains("float64", d.Message);
        Assert.Throws<TensorException>(() => a.Span<double>());
        Assert.Contains("outside axis", Assert.Throws<TensorException>(() => a.Gather(1, [0, 4, 1])).Message);
        Assert.Contains("cannot become", Assert.Throws<TensorException>(() => a.Reshape(5, 2)).Message);
        Assert.Contains("rank 5", Assert.Throws<TensorException>(() => Tensor.Zeros(1, 1, 1, 1, 1)).Message);
    }

    [Fact]
    public void ScopesRecycleMemoryAndRejectUseAfterTheScope()
    {
        Tensor w = Tensor.Ones(4);
        w.RequiresGrad = true;
        Tensor kept;
        Tensor inside;
        using (TensorScope scope = TensorScope.Begin())
        {
            inside = (w * 3.0).Exp();
            inside.Sum().Backward();
            kept = inside.Keep();
            Assert.True(scope.TensorCount > 0);
        }
        Assert.True(inside.IsDisposed);
        var e = Assert.Throws<TensorException>(() => inside.Sum());
        Assert.Contains("after its TensorScope ended", e.Message);
        Assert.Equal(Math.Exp(3), kept[0], 5);
        Assert.False(w.Grad!.IsDisposed);
        Assert.Equal(3 * Math.Exp(3), w.Grad[0], 3);

        // A second identical step reuses the pooled arrays.
        using (TensorScope.Begin())
        {
            (w * 3.0).Exp().Sum().Backward();
        }
        Assert.Equal(6 * Math.Exp(3), w.Grad[0], 2);
    }
}
