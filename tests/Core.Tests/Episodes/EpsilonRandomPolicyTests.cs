// Epsilon-random exploration around any policy: the share of random actions, the random actions' space, the wrapped
// policy acting at every step, the same seed giving the same actions, and bad input.
using Control.Core.Envs;
using Control.Core.Episodes;

namespace Control.Core.Tests.Episodes;

public class EpsilonRandomPolicyTests
{
    /// <summary>Always action 7 (outside Discrete(3), so a random action is told apart); counts its calls.</summary>
    private sealed class Constant : IPolicy
    {
        public int Calls { get; private set; }

        public int Resets { get; private set; }

        public int ObservationSize => 2;

        public int ActionSize => 1;

        public void Act(ReadOnlySpan<double> observation, Span<double> action)
        {
            Calls++;
            action[0] = 7;
        }

        public void Reset() => Resets++;
    }

    private static double[] Actions(EpsilonRandomPolicy policy, int steps)
    {
        var actions = new double[steps];
        var action = new double[1];
        for (int t = 0; t < steps; t++)
        {
            policy.Act([0, 0], action);
            actions[t] = action[0];
        }
        return actions;
    }

    [Fact]
    public void AboutEpsilonOfTheActionsAreRandomAndFromTheSpace()
    {
        var inner = new Constant();
        var policy = new EpsilonRandomPolicy(inner, new Discrete(3), 0.3, new Rng(1));
        double[] actions = Actions(policy, 10_000);
        int random = actions.Count(a => a != 7);
        // Binomial(10000, 0.3): standard deviation 46, so 5 of them either side.
        Assert.InRange(random, 2770, 3230);
        Assert.All(actions.Where(a => a != 7), a => Assert.Contains(a, new[] { 0.0, 1.0, 2.0 }));
        Assert.Equal(10_000, inner.Calls);
        policy.Reset();
        Assert.Equal(1, inner.Resets);
        Assert.Equal(actions, Actions(new EpsilonRandomPolicy(new Constant(), new Discrete(3), 0.3, new Rng(1)), 10_000));
        Assert.All(Actions(new EpsilonRandomPolicy(new Constant(), new Discrete(3), 0, new Rng(1)), 100), a => Assert.Equal(7, a));
    }

    [Fact]
    public void BadEpsilonOrSizesAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpsilonRandomPolicy(new Constant(), new Discrete(3), 1.5, new Rng(1)));
        var error = Assert.Throws<ArgumentException>(() => new EpsilonRandomPolicy(new Constant(), Box.Uniform(2, -1, 1), 0.1, new Rng(1)));
        Assert.Contains("expected a policy with actions of 2 values", error.Message);
    }
}
