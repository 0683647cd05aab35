// TabularModel: the sparse form of a dense MDP keeps exactly its nonzero transitions and expected rewards, the
// builder merges and validates rows, and every kind of bad table is refused with InvalidMdpException.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Planning.Tabular;
using Control.Robots;

namespace Control.Planning.Tests.Tabular;


public class TabularModelTests
{
    [Theory]
    [InlineData("gridworld")]
    [InlineData("gridworld-8x8")]
    public void FromMdpKeepsEveryNonzeroTransitionAndTheExpectedReward(string name)
    {
        ITabularMdp mdp = Envs.Make(name).Find<ITabularMdp>()!;
        TabularModel model = TabularModel.FromMdp(mdp);
        int s = mdp.StateCount, a = mdp.ActionCount;
        Assert.Equal(s, model.StateCount);
        Assert.Equal(a, model.ActionCount);
        Assert.Equal(mdp.Transitions.ToArray().Count(p => p != 0), model.EntryCount);
        Assert.Equal(mdp.Terminal.ToArray(), model.Terminal.ToArray());
        for (int row = 0; row < s * a; row++)
        {
            var dense = new double[s];
            for (int k = model.RowStart[row]; k < model.RowStart[row + 1]; k++) dense[model.Successors[k]] = model.Probabilities[k];
            double expectedReward = 0;
            for (int next = 0; next < s; next++)
            {
                Assert.Equal(mdp.Transitions[row * s + next], dense[next]);
                expectedReward += mdp.Transitions[row * s + next] * mdp.Rewards[row * s + next];
            }
            Assert.Equal(expectedReward, model.ExpectedRewards[row], 15);
        }
    }

    [Fact]
    public void BuilderMergesRepeatedSuccessorsAndDropsZeros()
    {
        TabularModel model = new TabularModel.Builder(3, 1)
            .SetRow(0, 0, [2, 1, 2, 0], [0.25, 0.5, 0.25, 0], [4, 1, 0, 7])
            .SetRow(1, 0, [1], [1], [0])
            .SetRow(2, 0, [2], [1], [0])
            .SetTerminal(2)
            .Build();
        Assert.Equal([0, 2, 3, 4], model.RowStart.ToArray());
        Assert.Equal([1, 2, 1, 2], model.Successors.ToArray());
        Assert.Equal([0.5, 0.5, 1, 1], model.Probabilities.ToArray());
        Assert.Equal(2.0, model.Rewards[1]);
        Assert.Equal(0.5 * 1 + 0.25 * 4, model.ExpectedRewards[0], 15);
        Assert.Equal([false, false, true], model.Terminal.ToArray());
    }

    [Fact]
    public void BadDenseTablesAreRefused()
    {
        double[] p = [1, 0, 0, 1, 0, 1, 1, 0];
        double[] r = new double[8];
        Assert.NotNull(TabularModel.FromMdp(new DenseMdp(2, 2, p, r, [false, false])));

        var notOne = (double[])p.Clone();
        notOne[0] = 0.9;
        Assert.Contains("sums to 0.9", Assert.Throws<InvalidMdpException>(() => TabularModel.FromMdp(new DenseMdp(2, 2, notOne, r, [false, false]))).Message);
        Assert.Contains("8 entries, got 7", Assert.Throws<InvalidMdpException>(() => TabularModel.FromMdp(new DenseMdp(2, 2, p[..7], r, [false, false]))).Message);
        Assert.Contains("reward table", Assert.Throws<InvalidMdpException>(() => TabularModel.FromMdp(new DenseMdp(2, 2, p, new double[9], [false, false]))).Message);
        Assert.Contains("2 terminal flags, got 1", Assert.Throws<InvalidMdpException>(() => TabularModel.FromMdp(new DenseMdp(2, 2, p, r, [false]))).Message);

        var nan = (double[])p.Clone();
        nan[1] = double.NaN;
        Assert.Throws<InvalidMdpException>(() => TabularModel.FromMdp(new DenseMdp(2, 2, nan, r, [false, false])));
        var negative = (double[])p.Clone();
        negative[2] = -0.5;
        negative[3] = 1.5;
        Assert.Contains("expected a probability in [0, 1]", Assert.Throws<InvalidMdpException>(() => TabularModel.FromMdp(new DenseMdp(2, 2, negative, r, [false, false]))).Message);
        var infiniteReward = new double[8];
        infiniteReward[5] = double.PositiveInfinity;
        Assert.Throws<InvalidMdpException>(() => TabularModel.FromMdp(new DenseMdp(2, 2, p, infiniteReward, [false, false])));
    }

    [Fact]
    public void BadBuilderRowsAreRefused()
    {
        Assert.Throws<InvalidMdpException>(() => new TabularModel.Builder(0, 2));
        var builder = new TabularModel.Builder(2, 1);
        Assert.Contains("successor 2", Assert.Throws<InvalidMdpException>(() => builder.SetRow(0, 0, [2], [1], [0])).Message);
        Assert.Contains("action 1 is out of range", Assert.Throws<InvalidMdpException>(() => builder.SetRow(0, 1, [0], [1], [0])).Message);
        Assert.Contains("expected equal lengths", Assert.Throws<InvalidMdpException>(() => builder.SetRow(0, 0, [0, 1], [1], [0])).Message);
        Assert.Contains("sums to 0.5", Assert.Throws<InvalidMdpException>(() => builder.SetRow(0, 0, [0, 1], [0.25, 0.25], [0, 0])).Message);
        Assert.Throws<InvalidMdpException>(() => builder.SetRow(0, 0, [0], [1], [double.NaN]));
        Assert.Throws<InvalidMdpException>(() => builder.SetTerminal(-1));
        builder.SetRow(0, 0, [1], [1], [0]);
        Assert.Contains("already set", Assert.Throws<InvalidMdpException>(() => builder.SetRow(0, 0, [1], [1], [0])).Message);
        Assert.Contains("(s=1, a=0) was never set", Assert.Throws<InvalidMdpException>(() => builder.Build()).Message);
    }
}
