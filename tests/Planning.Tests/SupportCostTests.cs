// The support penalty of plans on learned models: its gradient and Hessian against central differences outside the
// data's bounds, nothing added inside, the bounds a dataset gives (margin, periodic states unbounded), and bad
// weights and inputs refused with a typed error.
using Control.Core.Models;
using Control.Dynamics;
using Control.Dynamics.Data;

namespace Control.Planning.Tests;

public class SupportCostTests
{
    private static QuadraticCost TaskCost() => new([2, 0.5, 0.5, 1], [0.1], [4, 0, 0, 4], stateLinear: [0.3, -0.2]);

    private static DataSupport Box() => new([-1, -2], [1, 3], [2, 5]);

    [Theory]
    [InlineData(1.7, 0.4, 0.3)]
    [InlineData(-1.6, 4.1, -0.8)]
    [InlineData(2.5, -3.3, 1.2)]
    [InlineData(0.2, 0.1, 0.5)]
    public void DerivativesMatchCentralDifferences(double x0, double x1, double u0)
    {
        var cost = new SupportCost(TaskCost(), Box(), weight: 3.0);
        double[] z = [x0, x1, u0];
        var d = new CostDerivatives(2, 1);
        cost.StageDerivatives(z.AsSpan(0, 2), z.AsSpan(2, 1), d);
        Assert.Equal(cost.Stage(z.AsSpan(0, 2), z.AsSpan(2, 1)), d.L, 12);

        var gradient = new double[3];
        var hessian = new double[9];
        double F(double[] p) => cost.Stage(p.AsSpan(0, 2), p.AsSpan(2, 1));
        FiniteDifferences.Gradient(F, z, gradient);
        FiniteDifferences.Hessian(F, z, hessian);
        for (int i = 0; i < 2; i++) Assert.Equal(gradient[i], d.Lx[i], 5);
        Assert.Equal(gradient[2], d.Lu[0], 5);
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++) Assert.Equal(hessian[i * 3 + j], d.Lxx[i * 2 + j], 4);
        }

        var terminal = new CostDerivatives(2, 1);
        cost.TerminalDerivatives(z.AsSpan(0, 2), terminal);
        FiniteDifferences.Gradient(p => cost.Terminal(p), z.AsSpan(0, 2), gradient.AsSpan(0, 2));
        for (int i = 0; i < 2; i++) Assert.Equal(gradient[i], terminal.Lx[i], 5);
    }

    [Fact]
    public void InsideTheSupportTheCostIsTheTasksAndOutsideItGrowsQuadratically()
    {
        QuadraticCost task = TaskCost();
        var cost = new SupportCost(task, Box(), weight: 2.0);
        double[] u = [0.4];
        Assert.Equal(task.Stage([0.5, 2.5], u), cost.Stage([0.5, 2.5], u));
        // 1.5 range units above x0's bound (range 2): 2 * 1.5^2 = 4.5 added.
        Assert.Equal(task.Stage([4, 0], u) + 4.5, cost.Stage([4, 0], u), 12);
        Assert.Equal(4.5, cost.Penalty([4, 0]), 12);
    }

    [Fact]
    public void TheSupportOfADatasetIsItsRangeWidenedByTheMarginAndPeriodicStatesAreUnbounded()
    {
        var data = new TransitionDataset(2, 1);
        data.Add([0, 1], [0], [1, 2], 0, false);
        data.Add([-1, 3], [0], [2, 5], 0, false);
        DataSupport support = DataSupport.Of(data, margin: 0.5, periodic: [false, true]);
        Assert.Equal([-2.5, double.NegativeInfinity], support.Low.ToArray());
        Assert.Equal([3.5, double.PositiveInfinity], support.High.ToArray());
        Assert.Equal(3.0, support.Scale[0]);
        Assert.Throws<ArgumentException>(() => DataSupport.Of(new TransitionDataset(2, 1), 0.1));
        Assert.Throws<ArgumentException>(() => DataSupport.Of(data, -0.1));
        Assert.Throws<ArgumentException>(() => DataSupport.Of(data, 0.1, [true]));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void BadWeightsAreRefused(double weight)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SupportCost(TaskCost(), Box(), weight));
        Assert.Contains("weight", e.Message);
    }

    [Fact]
    public void ASupportOfTheWrongSizeIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new SupportCost(TaskCost(), new DataSupport([0], [1], [1]), 1));
        Assert.Throws<ArgumentException>(() => new DataSupport([1], [0], [1]));
        Assert.Throws<ArgumentException>(() => new DataSupport([0], [1], [0]));
    }
}
