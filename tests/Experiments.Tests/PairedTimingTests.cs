// The speed figure of `control distill`: the expert acts through its episodes, and the policy is timed afterwards on the
// observations of exactly the states the expert acted on, episode by episode (PairedTiming.Passes loops each), without
// its actions reaching the env.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Policies.Common;
using Control.Robots;

namespace Control.Experiments.Tests;

public sealed class PairedTimingTests
{
    // Records what it is given; acts with a constant.
    private sealed class Recorder(int observations, double constant, Recorder? watched = null) : IPolicy
    {
        public List<double[]> Seen { get; } = [];

        // How many inputs the watched recorder had seen at each of this one's calls.
        public List<int> WatchedCounts { get; } = [];

        public int Resets { get; private set; }

        public int ObservationSize => observations;

        public int ActionSize => 1;

        public void Act(ReadOnlySpan<double> input, Span<double> action)
        {
            if (watched is not null) WatchedCounts.Add(watched.Seen.Count);
            Seen.Add(input.ToArray());
            action[0] = constant;
        }

        public void Reset() => Resets++;
    }

    [Fact]
    public void ThePolicyIsTimedOnTheObservationsOfTheStatesTheExpertActedOnAndItsActionsAreNotExecuted()
    {
        var policy = new Recorder(3, -2.0);
        var expert = new Recorder(2, 1.5, policy);
        var timing = new PairedTiming(expert, policy, Envs.Make("pendulum", 0).Find<IStatefulEnv>());
        IEnv MakeEnv(long s) => Envs.Make("pendulum", s);

        EvaluationResult run = Evaluation.Run(timing, MakeEnv, 2, 40, input: PolicyInput.State);
        timing.Finish();

        const int passes = PairedTiming.Passes;
        Assert.Equal(400, expert.Seen.Count);
        Assert.Equal(400 * passes, policy.Seen.Count);
        Assert.Equal(2 * passes, policy.Resets);
        // Not interleaved: while the expert acts through an episode, the policy has seen only the episodes before it.
        Assert.Equal(Enumerable.Range(0, 400).Select(t => t / 200 * 200 * passes), expert.WatchedCounts);
        // In every pass the policy saw each expert state of the episode, in order, as the env observes it:
        // (cos theta, sin theta, theta_dot) for (theta, theta_dot).
        for (int t = 0; t < 400; t++)
        {
            double[] state = expert.Seen[t];
            for (int pass = 0; pass < passes; pass++)
            {
                double[] observation = policy.Seen[t / 200 * 200 * passes + pass * 200 + t % 200];
                Assert.Equal([Math.Cos(state[0]), Math.Sin(state[0]), state[1]], observation);
            }
        }
        // The episodes are the expert's: the same returns as the expert acting alone.
        EvaluationResult alone = Evaluation.Run(new Recorder(2, 1.5), MakeEnv, 2, 40, input: PolicyInput.State);
        Assert.Equal(alone.Returns, run.Returns);
        Assert.True(timing.ExpertSeconds > 0 && timing.PolicySeconds > 0);
    }
}
