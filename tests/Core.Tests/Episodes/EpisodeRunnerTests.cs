// The one episode loop: reset seeding, act / step / read-state order, the step record, budgets, the goal rule, typed
// errors, and no allocation from one episode to the next. On a tiny env written here (Core has no robots): a point
// x' = x + u started at a seeded random x0, with a goal |x| < 0.1 and a time limit of 20 steps
// (no model, so the goal rule holds over the last step alone).
using Control.Core.Envs;
using Control.Core.Episodes;

namespace Control.Core.Tests.Episodes;

public class EpisodeRunnerTests
{
    private sealed class Point() : Env("point", Box.Uniform(1, -10, 10), Box.Uniform(1, -1, 1), seed: 0), IGoalEnv
    {
        private double x;
        private int t;

        public int StateSize => 1;

        public bool AtGoal(ReadOnlySpan<double> state) => Math.Abs(state[0]) < 0.1;

        public void GetState(Span<double> state) => state[0] = x;

        public void SetState(ReadOnlySpan<double> state) => x = state[0];

        // The observation is not the state, so a runner that feeds the wrong one is caught.
        public void Observe(ReadOnlySpan<double> state, Span<double> observation) => observation[0] = 2 * state[0];

        protected override void ResetCore(Span<double> observation)
        {
            x = Random.Uniform(-3, 3);
            t = 0;
            Observe([x], observation);
        }

        protected override StepResult StepCore(ReadOnlySpan<double> action, Span<double> observation)
        {
            x += action[0];
            t++;
            Observe([x], observation);
            return new StepResult(-x * x, Math.Abs(x) > 5, t >= 20);
        }
    }

    private sealed class Opaque() : Env("opaque", Box.Uniform(1, -1, 1), Box.Uniform(1, -1, 1), seed: 0)
    {
        protected override void ResetCore(Span<double> observation) => observation[0] = 0;

        protected override StepResult StepCore(ReadOnlySpan<double> action, Span<double> observation) => new(0, false, false);
    }

    /// <summary>u = gain * input, clipped to [-1, 1]; records what it was fed.</summary>
    private sealed class Proportional(double gain) : IPolicy
    {
        public List<double> Inputs { get; } = [];

        public int Resets { get; private set; }

        public int ObservationSize => 1;

        public int ActionSize => 1;

        public void Act(ReadOnlySpan<double> observation, Span<double> action)
        {
            Inputs.Add(observation[0]);
            action[0] = Math.Clamp(gain * observation[0], -1, 1);
        }

        public void Reset() => Resets++;
    }

    [Fact]
    public void AStateFeedbackEpisodeReachesTheGoalAndReportsEveryStep()
    {
        var runner = new EpisodeRunner(new Point(), PolicyInput.State);
        var policy = new Proportional(-0.5);
        var states = new List<double>();
        var nextStates = new List<double>();
        double rewards = 0;
        EpisodeResult result = runner.Run(policy, seed: 3, onStep: (in EpisodeStep s) =>
        {
            states.Add(s.State[0]);
            nextStates.Add(s.NextState[0]);
            Assert.Equal(2 * s.NextState[0], s.Observation[0]);
            Assert.Equal(Math.Clamp(-0.5 * s.State[0], -1, 1), s.Action[0]);
            rewards += s.Result.Reward;
        });
        Assert.Equal(20, result.Steps);
        Assert.True(result.Truncated && !result.Terminated && result.Done);
        Assert.True(result.Success);
        Assert.Equal(rewards, result.Return);
        Assert.Equal(states, policy.Inputs);
        Assert.Equal(nextStates.Take(19), states.Skip(1));
        Assert.Equal(nextStates[^1], runner.FinalState[0]);
        Assert.Equal(1, policy.Resets);
    }

    [Fact]
    public void AnObservationPolicyIsFedObservationsAndTheSameSeedRepeatsTheEpisode()
    {
        var runner = new EpisodeRunner(new Point());
        var first = new Proportional(-0.25);
        var second = new Proportional(-0.25);
        EpisodeResult a = runner.Run(first, seed: 7);
        EpisodeResult b = runner.Run(second, seed: 7);
        Assert.Equal(a, b);
        Assert.Equal(first.Inputs, second.Inputs);
        var stateful = new EpisodeRunner(new Point(), PolicyInput.State);
        var byState = new Proportional(-0.25);
        stateful.Run(byState, seed: 7, maxSteps: 1);
        Assert.Equal(2 * byState.Inputs[0], first.Inputs[0]);
        Assert.NotEqual(a.Return, runner.Run(new Proportional(-0.25), seed: 8).Return);
    }

    [Fact]
    public void EachStepCarriesTheObservationItsActionWasChosenIn()
    {
        var runner = new EpisodeRunner(new Point());
        var policy = new Proportional(-0.25);
        var previous = new List<double>();
        var next = new List<double>();
        runner.Run(policy, seed: 5, onStep: (in EpisodeStep s) =>
        {
            previous.Add(s.PreviousObservation[0]);
            next.Add(s.Observation[0]);
        });
        Assert.Equal(policy.Inputs, previous);
        Assert.Equal(next.SkipLast(1), previous.Skip(1));
    }

    [Fact]
    public void TheStepBudgetEndsAnEpisodeThatIsNotDone()
    {
        EpisodeResult result = new EpisodeRunner(new Point()).Run(new Proportional(0), seed: 1, maxSteps: 5);
        Assert.Equal(5, result.Steps);
        Assert.False(result.Done);
        Assert.False(result.Success);
    }

    [Fact]
    public void BadInputGetsATypedErrorThatSaysWhatWasExpected()
    {
        var error = Assert.Throws<ArgumentException>(() => new EpisodeRunner(new Opaque(), PolicyInput.State));
        Assert.Contains("opaque", error.Message);
        Assert.Contains("IStatefulEnv", error.Message);
        var runner = new EpisodeRunner(new Point());
        var sizes = Assert.Throws<ArgumentException>(() => runner.Run(new RandomPolicy(Box.Uniform(2, -1, 1), 1, new Rng(0)), seed: 0));
        Assert.Contains("actions of length 1", sizes.Message);
        Assert.Contains("got one from length 1 to length 2", sizes.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => runner.Run(new Proportional(0), seed: 0, maxSteps: 0));
    }

    [Fact]
    public void RepeatedEpisodesAllocateNothingBeyondTheEnvsOwnReset()
    {
        var env = new Point();
        var runner = new EpisodeRunner(env, PolicyInput.State);
        var policy = new RandomPolicy(Box.Uniform(1, -1, 1), 1, new Rng(5));
        var observation = new double[1];
        runner.Run(policy, seed: 0);
        env.Reset(observation, seed: 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 1; k <= 20; k++) env.Reset(observation, seed: k);
        long resets = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 1; k <= 20; k++) runner.Run(policy, seed: k);
        Assert.Equal(resets, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
