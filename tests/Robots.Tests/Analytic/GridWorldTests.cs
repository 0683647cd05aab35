// The gridworld's MDP tables: FrozenLake's slippery semantics, and sampled transitions that follow them.
using Control.Core.Envs;
using Control.Robots.Analytic;

namespace Control.Robots.Tests.Analytic;

public class GridWorldTests
{
    [Fact]
    public void TablesFollowFrozenLakeSemantics()
    {
        var g = new GridWorldEnv();
        int s = g.StateCount, a = g.ActionCount;
        Assert.Equal(16, s);
        for (int i = 0; i < s * a; i++)
            Assert.Equal(1.0, g.Transitions.Slice(i * s, s).ToArray().Sum(), 12);
        double P(int from, int action, int to) => g.Transitions[(from * a + action) * s + to];
        // From the start (0), "right" (2): right to 1, or slips up (wall: stays at 0) or down to 4, 1/3 each.
        Assert.Equal(1.0 / 3, P(0, 2, 1), 12);
        Assert.Equal(1.0 / 3, P(0, 2, 0), 12);
        Assert.Equal(1.0 / 3, P(0, 2, 4), 12);
        // "Left" from 0: left and up hit walls (stay), down slips to 4.
        Assert.Equal(2.0 / 3, P(0, 0, 0), 12);
        Assert.Equal(1.0 / 3, P(0, 0, 4), 12);
        // Reward 1 only for entering the goal (15), e.g. from 14 moving right.
        Assert.Equal(1.0, g.Rewards[(14 * a + 2) * s + 15]);
        Assert.Equal(0.0, g.Rewards[(14 * a + 2) * s + 13]);
        // Holes and goal are terminal and absorbing.
        foreach (int terminal in new[] { 5, 7, 11, 12, 15 })
        {
            Assert.True(g.Terminal[terminal]);
            for (int action = 0; action < a; action++) Assert.Equal(1.0, P(terminal, action, terminal));
        }
        Assert.Equal(1.0, g.InitialDistribution[0]);
    }

    [Fact]
    public void SampledTransitionsMatchTheTable()
    {
        var g = new GridWorldEnv(seed: 11);
        var counts = new int[16];
        const int trials = 30_000;
        var obs = new double[1];
        for (int i = 0; i < trials; i++)
        {
            g.Reset(obs);
            g.SetState([6.0]);
            g.Step([1.0], obs);
            counts[(int)obs[0]]++;
        }
        // From 6 going down (1): 10 intended, 5 (left slip) and 7 (right slip), 1/3 each; binomial sd ~ 0.0027.
        foreach (int target in new[] { 5, 7, 10 }) Assert.Equal(1.0 / 3, counts[target] / (double)trials, 2);
        Assert.Equal(trials, counts[5] + counts[7] + counts[10]);
    }

    [Fact]
    public void DeterministicGridFollowsTheIntendedMove()
    {
        var g = new GridWorldEnv(seed: 0, slip: 0.0);
        var obs = new double[1];
        g.Reset(obs);
        int[] path = [1, 1, 2, 1, 2, 2];   // down, down, right, down, right, right: 0 -> 4 -> 8 -> 9 -> 13 -> 14 -> 15
        StepResult r = default;
        foreach (int action in path) r = g.Step([action], obs);
        Assert.Equal(15.0, obs[0]);
        Assert.True(r.Terminated);
        Assert.Equal(1.0, r.Reward);
    }

    [Fact]
    public void BadMapsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new GridWorldEnv(map: ["SFX", "FFG"]));
        Assert.Contains("S, F, H, G", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GridWorldEnv(slip: 1.5));
        Assert.Contains("exactly one S", Assert.Throws<ArgumentException>(() => new GridWorldEnv(map: ["FFF", "FFG"])).Message);
        Assert.Contains("exactly one S", Assert.Throws<ArgumentException>(() => new GridWorldEnv(map: ["SFS", "FFG"])).Message);
        Assert.Contains("non-empty", Assert.Throws<ArgumentException>(() => new GridWorldEnv(map: [])).Message);
    }
}
