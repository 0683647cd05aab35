// TransitionCollector: on the pendulum (through its TimeLimit wrapper) the rows are the env's states, chained
// within an episode, consistent with the env's own model x' = f(x, u), and the same for the same seed; a policy
// is fed states and reset per episode; on a tiny integrator whose episodes end by termination the whole
// dataset and the returns are known in closed form.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Core.Models;
using Control.Dynamics.Data;
using Control.Robots;

namespace Control.Dynamics.Tests.Data;

public class DataCollectorTests
{
    /// <summary>x' = x + u from x = 0, reward -x'^2, terminated once |x'| &gt;= 2: episodes are (0 -1-> 1 -1-> 2).</summary>
    private sealed class Integrator() : Env("integrator", Box.Uniform(1, -10, 10), Box.Uniform(1, -1, 1), seed: 0), IStatefulEnv
    {
        private double x;

        public int StateSize => 1;

        public void GetState(Span<double> state) => state[0] = x;

        public void SetState(ReadOnlySpan<double> state) => x = state[0];

        public void Observe(ReadOnlySpan<double> state, Span<double> observation) => observation[0] = state[0];

        protected override void ResetCore(Span<double> observation) => observation[0] = x = 0;

        protected override StepResult StepCore(ReadOnlySpan<double> action, Span<double> observation)
        {
            observation[0] = x += action[0];
            return new StepResult(-x * x, Math.Abs(x) >= 2, false);
        }
    }

    /// <summary>Not stateful: the collector must refuse it.</summary>
    private sealed class Opaque() : Env("opaque", Box.Uniform(1, -1, 1), Box.Uniform(1, -1, 1), seed: 0)
    {
        protected override void ResetCore(Span<double> observation) => observation[0] = 0;

        protected override StepResult StepCore(ReadOnlySpan<double> action, Span<double> observation) => new(0, false, false);
    }

    /// <summary>u = gain . x + bias (unclipped), counting resets and checking that it is fed states.</summary>
    private sealed class Linear(double[] gain, double bias = 0) : IPolicy
    {
        public int Resets { get; private set; }

        public int ObservationSize => gain.Length;

        public int ActionSize => 1;

        public void Act(ReadOnlySpan<double> observation, Span<double> action)
        {
            Assert.Equal(gain.Length, observation.Length);
            double u = bias;
            for (int i = 0; i < gain.Length; i++) u += gain[i] * observation[i];
            action.Fill(u);
        }

        public void Reset() => Resets++;
    }

    [Fact]
    public void RandomPendulumTransitionsAreStatesChainedAndConsistentWithTheModel()
    {
        IEnv env = Envs.Make("pendulum", seed: 0);
        var data = new TransitionDataset(2, 1, capacity: 16);
        IReadOnlyList<double> returns = TransitionCollector.Collect(env, null, 450, seed: 7, data);

        Assert.Equal(450, data.Count);
        Assert.Equal(2, returns.Count);
        for (int k = 0; k < 2; k++)
        {
            double sum = 0;
            for (int t = 200 * k; t < 200 * (k + 1); t++) sum += data.Rewards[t];
            Assert.Equal(sum, returns[k], 1e-9);
        }
        Assert.DoesNotContain(true, data.Terminated.ToArray());

        var model = env.Find<IModelEnv>()!;
        DynamicsWorkspace workspace = model.Dynamics.CreateWorkspace();
        var next = new double[2];
        for (int t = 0; t < data.Count; t++)
        {
            Assert.InRange(data.Control(t)[0], -2.0, 2.0);
            model.Dynamics.Step(workspace, data.State(t), data.Control(t), next);
            Assert.Equal(next, data.NextState(t).ToArray());
            if (t % 200 != 199 && t + 1 < data.Count) Assert.Equal(data.NextState(t).ToArray(), data.State(t + 1).ToArray());
        }
        for (int k = 0; k < 3; k++)
        {
            IEnv fresh = Envs.Make("pendulum", seed: 123);
            fresh.Reset(seed: 7 + k);
            var initial = new double[2];
            fresh.Find<IStatefulEnv>()!.GetState(initial);
            Assert.Equal(initial, data.State(200 * k).ToArray());
        }
    }

    [Fact]
    public void SameSeedSameTransitionsWhateverTheEnvsOwnSeed()
    {
        var a = new TransitionDataset(2, 1);
        var b = new TransitionDataset(2, 1);
        var c = new TransitionDataset(2, 1);
        IReadOnlyList<double> ra = TransitionCollector.Collect(Envs.Make("pendulum", seed: 0), null, 250, seed: 11, a);
        IReadOnlyList<double> rb = TransitionCollector.Collect(Envs.Make("pendulum", seed: 99), null, 250, seed: 11, b);
        TransitionCollector.Collect(Envs.Make("pendulum", seed: 0), null, 250, seed: 12, c);
        Assert.Equal(ra, rb);
        Assert.Equal(a.States.ToArray(), b.States.ToArray());
        Assert.Equal(a.Controls.ToArray(), b.Controls.ToArray());
        Assert.Equal(a.NextStates.ToArray(), b.NextStates.ToArray());
        Assert.Equal(a.Rewards.ToArray(), b.Rewards.ToArray());
        Assert.NotEqual(a.States.ToArray(), c.States.ToArray());
        Assert.NotEqual(a.Controls.ToArray(), c.Controls.ToArray());
    }

    [Fact]
    public void WithObservationInputTheRowsAreTheObservationsOfTheSameEpisodes()
    {
        // The same seed draws the same random actions, so the observation rows are the state rows seen through the env's
        // Observe: (cos theta, sin theta, theta dot).
        var states = new TransitionDataset(2, 1);
        var observations = new TransitionDataset(3, 1);
        IReadOnlyList<double> byState = TransitionCollector.Collect(Envs.Make("pendulum"), null, 450, seed: 4, states);
        IReadOnlyList<double> byObservation = TransitionCollector.Collect(Envs.Make("pendulum"), null, 450, seed: 4, observations, PolicyInput.Observation);
        Assert.Equal(byState, byObservation);
        Assert.Equal(states.Controls.ToArray(), observations.Controls.ToArray());
        Assert.Equal(states.Rewards.ToArray(), observations.Rewards.ToArray());
        for (int i = 0; i < states.Count; i++)
        {
            foreach ((double[] x, double[] o) in new[] { (states.State(i).ToArray(), observations.State(i).ToArray()), (states.NextState(i).ToArray(), observations.NextState(i).ToArray()) })
            {
                Assert.Equal(Math.Cos(x[0]), o[0], 1e-12);
                Assert.Equal(Math.Sin(x[0]), o[1], 1e-12);
                Assert.Equal(x[1], o[2], 1e-12);
            }
        }
        var wrong = new TransitionDataset(2, 1);
        Assert.Contains("expected a dataset of 3 observation values and 1 controls",
            Assert.Throws<ArgumentException>(() => TransitionCollector.Collect(Envs.Make("pendulum"), null, 10, seed: 4, wrong, PolicyInput.Observation)).Message);
    }

    [Fact]
    public void APolicyIsFedStatesResetPerEpisodeAndItsActionsAreRecorded()
    {
        var policy = new Linear([-3.0, -0.5]);
        var data = new TransitionDataset(2, 1);
        IReadOnlyList<double> returns = TransitionCollector.Collect(Envs.Make("pendulum"), policy, 400, seed: 2, data);
        Assert.Equal(2, returns.Count);
        Assert.Equal(2, policy.Resets);
        for (int t = 0; t < data.Count; t++)
            Assert.Equal(-3.0 * data.State(t)[0] - 0.5 * data.State(t)[1], data.Control(t)[0]);

        var again = new TransitionDataset(2, 1);
        Assert.Equal(returns, TransitionCollector.Collect(Envs.Make("pendulum"), new Linear([-3.0, -0.5]), 400, seed: 2, again));
        Assert.Equal(data.States.ToArray(), again.States.ToArray());
    }

    [Fact]
    public void TerminatingEpisodesGiveTheClosedFormDatasetAndReturns()
    {
        var data = new TransitionDataset(1, 1);
        IReadOnlyList<double> returns = TransitionCollector.Collect(new Integrator(), new Linear([0.0], bias: 1.0), 5, seed: 0, data);
        Assert.Equal([-5.0, -5.0], returns);
        Assert.Equal([0.0, 1.0, 0.0, 1.0, 0.0], data.States.ToArray());
        Assert.Equal([1.0, 2.0, 1.0, 2.0, 1.0], data.NextStates.ToArray());
        Assert.Equal([-1.0, -4.0, -1.0, -4.0, -1.0], data.Rewards.ToArray());
        Assert.Equal([false, true, false, true, false], data.Terminated.ToArray());
    }

    [Fact]
    public void MismatchesAreRefusedBeforeAnyStep()
    {
        var data = new TransitionDataset(2, 1);
        Assert.Contains("IStatefulEnv", Assert.Throws<ArgumentException>(
            () => TransitionCollector.Collect(new Opaque(), null, 10, 0, new TransitionDataset(1, 1))).Message);
        Assert.Contains("expected a dataset of 2 states and 1 controls, got one of 3 states",
            Assert.Throws<ArgumentException>(() => TransitionCollector.Collect(Envs.Make("pendulum"), null, 10, 0, new TransitionDataset(3, 1))).Message);
        Assert.Contains("expected a policy from states of length 2 to actions of length 1, got one from length 3",
            Assert.Throws<ArgumentException>(() => TransitionCollector.Collect(Envs.Make("pendulum"), new Linear([1.0, 0.0, 0.0]), 10, 0, data)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TransitionCollector.Collect(Envs.Make("pendulum"), null, -1, 0, data));
        Assert.Empty(TransitionCollector.Collect(Envs.Make("pendulum"), null, 0, 0, data));
        Assert.Equal(0, data.Count);
    }
}
