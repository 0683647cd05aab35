// TransitionDataset in memory: appending and growth, input checks, subsets, seeded splits, and the column
// statistics used for normalization (checked against a direct two-pass computation on arrays).
using Control.Core;
using Control.Dynamics.Data;

namespace Control.Dynamics.Tests.Data;

public class DataDatasetTests
{
    /// <summary>A dataset whose row i has reward i, so that rows can be told apart after shuffles.</summary>
    internal static TransitionDataset Numbered(int rows, int stateSize = 3, int controlSize = 2, long seed = 1, int capacity = 4)
    {
        var rng = new Rng(seed);
        var data = new TransitionDataset(stateSize, controlSize, capacity);
        var x = new double[stateSize];
        var u = new double[controlSize];
        var next = new double[stateSize];
        for (int i = 0; i < rows; i++)
        {
            rng.FillNormal(x);
            rng.FillUniform(u, -2, 2);
            rng.FillNormal(next);
            data.Add(x, u, next, i, i % 7 == 3);
        }
        return data;
    }

    [Fact]
    public void GrowsPastItsCapacityAndKeepsEveryRow()
    {
        const int rows = 1000;
        var rng = new Rng(5);
        var expectedX = new double[rows * 2];
        var expectedU = new double[rows];
        var expectedNext = new double[rows * 2];
        var expectedR = new double[rows];
        var expectedT = new bool[rows];
        rng.FillNormal(expectedX);
        rng.FillNormal(expectedU);
        rng.FillNormal(expectedNext);
        rng.FillNormal(expectedR);
        for (int i = 0; i < rows; i++) expectedT[i] = rng.NextDouble() < 0.1;

        var data = new TransitionDataset(2, 1, capacity: 3);
        for (int i = 0; i < rows; i++)
        {
            data.Add(expectedX.AsSpan(2 * i, 2), expectedU.AsSpan(i, 1), expectedNext.AsSpan(2 * i, 2), expectedR[i], expectedT[i]);
            Assert.Equal(i + 1, data.Count);
        }
        Assert.Equal(1536, data.Capacity);
        Assert.Equal(expectedX, data.States.ToArray());
        Assert.Equal(expectedU, data.Controls.ToArray());
        Assert.Equal(expectedNext, data.NextStates.ToArray());
        Assert.Equal(expectedR, data.Rewards.ToArray());
        Assert.Equal(expectedT, data.Terminated.ToArray());
        Assert.Equal(expectedNext.AsSpan(2 * 417, 2).ToArray(), data.NextState(417).ToArray());

        var empty = new TransitionDataset(2, 1, capacity: 0);
        empty.Add([1.0, 2.0], [3.0], [4.0, 5.0], 6.0, false);
        Assert.Equal([1.0, 2.0], empty.States.ToArray());
    }

    [Fact]
    public void RejectsWrongLengthsAndNonFiniteValuesAndStaysUnchanged()
    {
        TransitionDataset data = Numbered(5);
        double[] before = data.States.ToArray();
        var x = new double[3];
        var u = new double[2];
        Assert.Contains("expected a state of length 3, got length 2",
            Assert.Throws<ArgumentException>(() => data.Add(new double[2], u, x, 0, false)).Message);
        Assert.Contains("expected a control of length 2, got length 3",
            Assert.Throws<ArgumentException>(() => data.Add(x, new double[3], x, 0, false)).Message);
        Assert.Contains("expected finite nextState values, got NaN at index 1",
            Assert.Throws<ArgumentException>(() => data.Add(x, u, [0.0, double.NaN, 0.0], 0, false)).Message);
        Assert.Contains("expected finite control values, got -Infinity at index 0",
            Assert.Throws<ArgumentException>(() => data.Add(x, [double.NegativeInfinity, 0.0], x, 0, false)).Message);
        Assert.Contains("expected a finite reward, got Infinity",
            Assert.Throws<ArgumentException>(() => data.Add(x, u, x, double.PositiveInfinity, false)).Message);
        Assert.Equal(5, data.Count);
        Assert.Equal(before, data.States.ToArray());

        Assert.Throws<ArgumentOutOfRangeException>(() => new TransitionDataset(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransitionDataset(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransitionDataset(1, 1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.State(5));
    }

    [Fact]
    public void SubsetCopiesTheChosenRowsInOrderWithRepeats()
    {
        TransitionDataset data = Numbered(20);
        int[] indices = [7, 0, 19, 7];
        TransitionDataset subset = data.Subset(indices);
        Assert.Equal(4, subset.Count);
        for (int k = 0; k < indices.Length; k++)
        {
            int i = indices[k];
            Assert.Equal(data.State(i).ToArray(), subset.State(k).ToArray());
            Assert.Equal(data.Control(i).ToArray(), subset.Control(k).ToArray());
            Assert.Equal(data.NextState(i).ToArray(), subset.NextState(k).ToArray());
            Assert.Equal(data.Rewards[i], subset.Rewards[k]);
            Assert.Equal(data.Terminated[i], subset.Terminated[k]);
        }
        Assert.Equal(0, data.Subset([]).Count);
        Assert.Contains("got 20 at position 1", Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([3, 20])).Message);
        Assert.Contains("got -1 at position 0", Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([-1])).Message);
    }

    [Fact]
    public void SplitIsSeededDisjointAndCoversEveryRow()
    {
        TransitionDataset data = Numbered(101);
        (TransitionDataset train, TransitionDataset holdout) = data.Split(0.2, seed: 42);
        Assert.Equal(20, holdout.Count);
        Assert.Equal(81, train.Count);
        int[] trainRows = train.Rewards.ToArray().Select(r => (int)r).ToArray();
        int[] holdoutRows = holdout.Rewards.ToArray().Select(r => (int)r).ToArray();
        Assert.Empty(trainRows.Intersect(holdoutRows));
        Assert.Equal(Enumerable.Range(0, 101), trainRows.Concat(holdoutRows).Order());
        Assert.Equal(trainRows.Order(), trainRows);
        for (int k = 0; k < holdout.Count; k++)
            Assert.Equal(data.State(holdoutRows[k]).ToArray(), holdout.State(k).ToArray());

        (TransitionDataset train2, TransitionDataset holdout2) = data.Split(0.2, seed: 42);
        Assert.Equal(holdout.Rewards.ToArray(), holdout2.Rewards.ToArray());
        Assert.Equal(train.States.ToArray(), train2.States.ToArray());
        (_, TransitionDataset other) = data.Split(0.2, seed: 43);
        Assert.NotEqual(holdout.Rewards.ToArray(), other.Rewards.ToArray());

        Assert.Equal(0, data.Split(0, 1).Holdout.Count);
        Assert.Equal(101, data.Split(1, 1).Holdout.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(1.5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(double.NaN, 1));
    }

    [Fact]
    public void AppendAddsAnotherDatasetsRows()
    {
        TransitionDataset a = Numbered(5, seed: 1), b = Numbered(9, seed: 2);
        double[] expected = [.. a.States.ToArray(), .. b.States.ToArray()];
        a.Append(b);
        Assert.Equal(14, a.Count);
        Assert.Equal(expected, a.States.ToArray());
        a.Append(a);
        Assert.Equal(28, a.Count);
        Assert.Equal([.. expected, .. expected], a.States.ToArray());
        Assert.Throws<ArgumentException>(() => a.Append(new TransitionDataset(3, 1)));
        a.Clear();
        Assert.Equal(0, a.Count);
    }

    [Fact]
    public void StatisticsMatchADirectTwoPassComputationWithAFloor()
    {
        TransitionDataset data = Numbered(300, seed: 8);
        (double[] mean, double[] std) = DatasetStatistics.Compute(data.States, data.StateSize);
        double[] states = data.States.ToArray();
        for (int c = 0; c < 3; c++)
        {
            double[] column = Enumerable.Range(0, 300).Select(r => states[r * 3 + c]).ToArray();
            double m = column.Average();
            double s = Math.Sqrt(column.Select(v => (v - m) * (v - m)).Sum() / column.Length);
            Assert.Equal(m, mean[c], 1e-12);
            Assert.Equal(s, std[c], 1e-12);
        }

        (double[] constantMean, double[] constantStd) = DatasetStatistics.Compute([5.0, 1.0, 5.0, 3.0], 2, minStd: 0.01);
        Assert.Equal([5.0, 2.0], constantMean);
        Assert.Equal([0.01, 1.0], constantStd);
        Assert.Contains("got length 3", Assert.Throws<ArgumentException>(() => DatasetStatistics.Compute([1.0, 2.0, 3.0], 2)).Message);
        Assert.Throws<ArgumentException>(() => DatasetStatistics.Compute([], 2));
        Assert.Throws<ArgumentException>(() => DatasetStatistics.Compute([1e308, 1e308], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetStatistics.Compute([1.0], 1, minStd: 0));
    }
}
