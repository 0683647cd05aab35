// Every op's gradient against central finite differences in float64, including broadcasting.
using Control.Core;

namespace Control.Tensors.Tests;

public class OpGradientTests
{
    private static Tensor In(int seed, params int[] shape) => GradCheck.Input(seed, -2, 2, shape);
    private static Tensor Positive(int seed, params int[] shape) => GradCheck.Input(seed, 0.3, 2, shape);

    [Fact]
    public void BinaryOpsWithBroadcasting()
    {
        (int[] A, int[] B)[] shapes = [([3, 4], [3, 4]), ([3, 4], [4]), ([2, 1, 3], [4, 1]), ([3, 4], []), ([], [2, 3]), ([2, 3, 1, 2], [3, 5, 1])];
        foreach ((int[] sa, int[] sb) in shapes)
        {
            GradCheck.Check(x => x[0] + x[1], [In(1, sa), In(2, sb)]);
            GradCheck.Check(x => x[0] - x[1], [In(3, sa), In(4, sb)]);
            GradCheck.Check(x => x[0] * x[1], [In(5, sa), In(6, sb)]);
            GradCheck.Check(x => x[0] / x[1], [In(7, sa), Positive(8, sb)]);
            GradCheck.Check(x => Tensor.Pow(x[0], x[1]), [Positive(9, sa), In(10, sb)]);
            GradCheck.Check(x => Tensor.Maximum(x[0], x[1]), [In(11, sa), In(12, sb)]);
            GradCheck.Check(x => Tensor.Minimum(x[0], x[1]), [In(13, sa), In(14, sb)]);
        }
    }

    [Fact]
    public void ScalarOperands()
    {
        GradCheck.Check(x => 3.0 - x[0] * 2.0 + 1.5 / (x[0] + 4.0), [In(1, 2, 3)]);
        GradCheck.Check(x => x[0].Pow(3) + x[0].Pow(-2), [In(1, 2, 3)]);
        GradCheck.Check(x => x[0].Pow(2.5), [Positive(3, 4)]);
    }

    [Fact]
    public void UnaryOps()
    {
        GradCheck.Check(x => x[0].Neg(), [In(1, 3, 4)]);
        GradCheck.Check(x => x[0].Exp(), [In(2, 3, 4)]);
        GradCheck.Check(x => (x[0] * 3.0).Sin(), [In(21, 3, 4)]);
        GradCheck.Check(x => (x[0] * 3.0).Cos(), [In(22, 3, 4)]);
        GradCheck.Check(x => x[0].Log(), [Positive(3, 3, 4)]);
        GradCheck.Check(x => x[0].Sqrt(), [Positive(4, 3, 4)]);
        GradCheck.Check(x => x[0].Abs(), [In(5, 3, 4)]);
        GradCheck.Check(x => x[0].Square(), [In(6, 3, 4)]);
        GradCheck.Check(x => x[0].Tanh(), [In(7, 3, 4)]);
        GradCheck.Check(x => x[0].Sigmoid(), [In(8, 3, 4)]);
        GradCheck.Check(x => x[0].Relu(), [In(9, 3, 4)]);
        GradCheck.Check(x => x[0].Elu(0.7), [In(10, 3, 4)]);
        GradCheck.Check(x => x[0].Softplus(), [GradCheck.Input(11, -30, 30, 5, 4)]);
        GradCheck.Check(x => x[0].Softplus(beta: 2, threshold: 5), [In(12, 3, 4)]);
        GradCheck.Check(x => x[0].Clamp(-0.5, 0.8), [In(13, 3, 4)]);
    }

    [Fact]
    public void ClampStraightThroughPassesTheGradient()
    {
        Tensor x = In(1, 6);
        x.Clamp(-0.5, 0.5, straightThrough: true).Sum().Backward();
        Assert.All(x.Grad!.ToDoubleArray(), g => Assert.Equal(1.0, g));
        Assert.All(x.Clamp(-0.5, 0.5).ToDoubleArray(), v => Assert.InRange(v, -0.5, 0.5));
    }

    [Fact]
    public void Reductions()
    {
        GradCheck.Check(x => x[0].Sum(), [In(1, 3, 4)]);
        GradCheck.Check(x => x[0].Sum(0), [In(2, 3, 4)]);
        GradCheck.Check(x => x[0].Sum(1, keepDim: true), [In(3, 3, 4)]);
        GradCheck.Check(x => x[0].Sum(-2), [In(4, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Mean(), [In(5, 3, 4)]);
        GradCheck.Check(x => x[0].Mean(1), [In(6, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Max(), [In(7, 3, 4)]);
        GradCheck.Check(x => x[0].Max(1), [In(8, 3, 4)]);
        GradCheck.Check(x => x[0].Max(0, keepDim: true), [In(9, 3, 4)]);
        GradCheck.Check(x => x[0].Min(1), [In(10, 3, 4)]);
        GradCheck.Check(x => x[0].LogSumExp(1), [In(11, 3, 4)]);
        GradCheck.Check(x => x[0].LogSumExp(0, keepDim: true), [In(12, 3, 4)]);
        GradCheck.Check(x => x[0].Softmax(), [In(13, 3, 4)]);
        GradCheck.Check(x => x[0].Softmax(0), [In(14, 3, 4)]);
        GradCheck.Check(x => x[0].LogSoftmax(), [In(15, 3, 4)]);
        GradCheck.Check(x => x[0].LogSoftmax(1), [In(16, 2, 3, 4)]);
    }

    [Fact]
    public void ShapeOps()
    {
        GradCheck.Check(x => x[0].Reshape(4, -1) * In(20, 4, 3), [In(1, 3, 4)]);
        GradCheck.Check(x => x[0].Transpose(), [In(2, 3, 4)]);
        GradCheck.Check(x => x[0].Transpose(0, 2), [In(3, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Permute(2, 0, 1), [In(4, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Narrow(0, 1, 2), [In(5, 3, 4)]);
        GradCheck.Check(x => x[0].Narrow(1, 1, 2), [In(6, 3, 4)]);
        GradCheck.Check(x => x[0].Narrow(2, 0, 3), [In(7, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Select(1), [In(8, 3, 4)]);
        GradCheck.Check(x => Tensor.Concat([x[0], x[1]], 1), [In(9, 3, 4), In(10, 3, 2)]);
        GradCheck.Check(x => Tensor.Concat([x[0], x[1]], 0), [In(11, 3, 4), In(12, 1, 4)]);
        GradCheck.Check(x => Tensor.Stack([x[0], x[1]], 1), [In(13, 3, 4), In(14, 3, 4)]);
        GradCheck.Check(x => x[0].Gather(1, [2, 0, 1]), [In(15, 3, 4)]);
        GradCheck.Check(x => x[0].Gather(0, [2, 0, 1, 1, 0, 2, 2, 2]), [In(16, 3, 4)]);
        GradCheck.Check(x => x[0].Unsqueeze(1).ExpandTo(3, 5, 4), [In(17, 3, 4)]);
        GradCheck.Check(x => x[0].SumTo([1, 4]), [In(18, 3, 4)]);
        GradCheck.Check(x => Tensor.Where(Tensor.FromArray(new double[] { 1, 0, 0, 1 }, 4), x[0], x[1]), [In(19, 3, 4), In(21, 4)]);
    }

    [Fact]
    public void MatrixProducts()
    {
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                int[] sa = ta ? [4, 3] : [3, 4];
                int[] sb = tb ? [5, 4] : [4, 5];
                GradCheck.Check(x => Tensor.MatMul(x[0], x[1], ta, tb), [In(1, sa), In(2, sb)]);
            }
        }
        GradCheck.Check(x => Tensor.Linear(x[0], x[1], x[2]), [In(3, 6, 4), In(4, 3, 4), In(5, 3)]);
    }

    [Fact]
    public void Losses()
    {
        Tensor target = Tensor.Uniform(new Rng(9), -2, 2, DType.Float64, 4, 3);
        GradCheck.Check(x => Loss.Mse(x[0], target), [In(1, 4, 3)]);
        GradCheck.Check(x => Loss.Mse(x[0], x[1]), [In(8, 5, 7), In(9, 5, 7)]);
        GradCheck.Check(x => Loss.Mse(x[0].Tanh(), target) * x[1], [In(10, 4, 3), In(11, 1)]);
        GradCheck.Check(x => Loss.Huber(x[0], target, 0.5), [In(2, 4, 3)]);
        GradCheck.Check(x => Loss.CrossEntropy(x[0], [2, 0, 1, 2]), [In(3, 4, 3)]);
        GradCheck.Check(x => Loss.GaussianNll(x[0], target, x[1]), [In(4, 4, 3), Positive(5, 4, 3)]);
        GradCheck.Check(x => Loss.GaussianNll(x[0], target, x[1], full: true), [In(6, 4, 3), Positive(7, 4, 1)]);
    }

    [Fact]
    public void DetachStopsTheGradient()
    {
        Tensor x = In(1, 3);
        (x * x.Detach()).Sum().Backward();
        Assert.Equal(x.ToDoubleArray(), x.Grad!.ToDoubleArray());
    }
}
