// Sim-to-deploy: a policy run through the control loop on a SimulatedRobotIO meets the same episodes, with the same
// returns and lengths, as the same policy run directly on fresh envs through Core's episode runner (Control's
// evaluation convention: episode k made and reset with seed + k). On real robots of src/Robots: the pendulum
// (continuous torque, time limit 200) and cartpole (discrete push, early terminations).
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Deploy.Loop;
using Control.Robots;

namespace Control.Deploy.Tests.Loop;

public class SimulatedRobotIOTests
{
    // Deterministic feedback with a memory the loop must reset per episode: pushes beyond the torque limit at times,
    // so the safety filter's clip and the env's own clip must agree.
    private sealed class PendulumFeedback : IPolicy
    {
        private double integral;

        public int Resets;

        public int ObservationSize => 3;

        public int ActionSize => 1;

        public void Act(ReadOnlySpan<double> o, Span<double> action)
        {
            integral += o[1];
            action[0] = -3.0 * o[1] - 0.8 * o[2] - 0.01 * integral;
        }

        public void Reset()
        {
            integral = 0;
            Resets++;
        }
    }

    private sealed class CartPoleBangBang : IPolicy
    {
        public int ObservationSize => 4;

        public int ActionSize => 1;

        public void Act(ReadOnlySpan<double> o, Span<double> action) => action[0] = o[2] > 0 ? 1 : 0;

        public void Reset() { }
    }

    // A state-feedback swing-up (energy pumping) on the pendulum's (angle, velocity).
    private sealed class PendulumStateFeedback : IPolicy
    {
        public int ObservationSize => 2;

        public int ActionSize => 1;

        public void Act(ReadOnlySpan<double> x, Span<double> action) => action[0] = Math.Cos(x[0]) > 0.8 ? -4 * Math.Sin(x[0]) - x[1] : 2 * Math.Sign(x[1] * Math.Cos(x[0]) + 1e-9);

        public void Reset() { }
    }

    private static EpisodeResult[] Direct(string env, IPolicy policy, long seed, int episodes, PolicyInput input = PolicyInput.Observation)
        => Enumerable.Range(0, episodes).Select(k => new EpisodeRunner(Envs.Make(env, seed + k), input).Run(policy, seed + k)).ToArray();

    private static ControlLoopReport ThroughTheLoop(string env, IPolicy policy, long seed, int episodes, double rateHz = 1000, PolicyInput input = PolicyInput.Observation)
    {
        var io = new SimulatedRobotIO(Envs.Make(env, seed), seed, input);
        var config = new ControlLoopConfig { RateHz = rateHz, Episodes = episodes, Ticks = episodes * Envs.Spec(env).Horizon + 1 };
        return new ControlLoop(policy, io, config, new SimulatedClock()).Run();
    }

    [Fact]
    public void PendulumEpisodesThroughTheLoopEqualTheEpisodeRunners()
    {
        EpisodeResult[] expected = Direct("pendulum", new PendulumFeedback(), seed: 7, episodes: 3);
        var policy = new PendulumFeedback();
        ControlLoopReport report = ThroughTheLoop("pendulum", policy, seed: 7, episodes: 3);

        Assert.Equal(LoopStopReason.EpisodesCompleted, report.StopReason);
        Assert.Equal(expected.Select(e => (e.Return, e.Steps, e.Terminated, e.Truncated)),
            report.Episodes.Select(e => (e.Return, e.Steps, e.Terminated, e.Truncated)));
        Assert.Equal(600, report.Ticks);
        Assert.Equal(3, policy.Resets);
        Assert.True(report.SafetyFilter.Clipped > 0); // the clip was exercised
        Assert.Equal(expected.Average(e => e.Return), report.MeanReturn, 12);
        Assert.Equal(0, report.Watchdog.Trips);
        Assert.Equal(0, report.DeadlineMisses);
    }

    [Fact]
    public void AStateFeedbackPolicyReadsTheStateThroughTheLoopAsInTheEpisodeRunner()
    {
        EpisodeResult[] expected = Direct("pendulum", new PendulumStateFeedback(), seed: 9, episodes: 2, PolicyInput.State);
        ControlLoopReport report = ThroughTheLoop("pendulum", new PendulumStateFeedback(), seed: 9, episodes: 2, input: PolicyInput.State);
        Assert.Equal(expected.Select(e => e.Return), report.Episodes.Select(e => e.Return));
        Assert.Equal(2, new SimulatedRobotIO(Envs.Make("pendulum", 9), 9, PolicyInput.State).ObservationSize);
        var noState = Assert.Throws<ArgumentException>(() => new SimulatedRobotIO(new Robots.Wrappers.ClipAction(new NoStateEnv()), 1, PolicyInput.State));
        Assert.Contains("exposes its state", noState.Message);
    }

    private sealed class NoStateEnv : IEnv
    {
        public string Name => "no-state";
        public Space ObservationSpace { get; } = Box.Uniform(1, -1, 1);
        public Space ActionSpace { get; } = Box.Uniform(1, -1, 1);
        public void Reset(Span<double> observation, long? seed = null) => observation.Clear();
        public StepResult Step(ReadOnlySpan<double> action, Span<double> observation) => new(0, false, false);
    }

    [Fact]
    public void CartPoleEpisodesThroughTheLoopEqualTheEpisodeRunnersAtAnyRate()
    {
        EpisodeResult[] expected = Direct("cartpole", new CartPoleBangBang(), seed: 3, episodes: 5);
        Assert.True(expected.Select(e => e.Steps).Distinct().Count() > 1); // episodes end at different steps
        foreach (double rate in new[] { 50.0, 1000.0 })
        {
            ControlLoopReport report = ThroughTheLoop("cartpole", new CartPoleBangBang(), seed: 3, episodes: 5, rate);
            Assert.Equal(expected.Select(e => (e.Return, e.Steps, e.Terminated, e.Truncated)),
                report.Episodes.Select(e => (e.Return, e.Steps, e.Terminated, e.Truncated)));
            Assert.Equal(expected.Sum(e => e.Steps), report.Ticks);
            Assert.Equal(new SafetyFilterCounts(0, 0, 0, 0), report.SafetyFilter);
        }
    }

    [Fact]
    public void EpisodeKStartsFromSeedPlusKAndEachEpisodeStartIsReported()
    {
        var io = new SimulatedRobotIO(Envs.Make("pendulum", 0), seed: 40);
        var observation = new double[3];
        var expected = new double[3];
        for (int k = 0; k < 2; k++)
        {
            Assert.Equal(ObservationStatus.EpisodeStart, io.ReadObservation(observation));
            Envs.Make("pendulum", 0).Reset(expected, seed: 40 + k);
            Assert.Equal(expected, observation);
            for (int t = 0; t < 200; t++)
            {
                if (t > 0) Assert.Equal(ObservationStatus.Continuing, io.ReadObservation(observation));
                io.WriteAction([0.5]);
            }
            Assert.Equal(k + 1, io.CompletedEpisodes.Count);
            Assert.True(io.CompletedEpisodes[k].Truncated);
            Assert.Equal(io.EpisodeReturn, io.CompletedEpisodes[k].Return);
            Assert.Equal(200, io.EpisodeSteps);
        }
    }

    [Fact]
    public void WritingWithoutARunningEpisodeIsRefused()
    {
        var io = new SimulatedRobotIO(Envs.Make("cartpole", 0), seed: 0);
        Assert.Equal((4, 1), (io.ObservationSize, io.ActionSize));
        Assert.IsType<Discrete>(io.ActionSpace);
        var e = Assert.Throws<InvalidOperationException>(() => io.WriteAction([1.0]));
        Assert.Contains("ReadObservation", e.Message);
        Assert.Throws<ArgumentException>(() => io.ReadObservation(new double[3]));
    }

    [Fact]
    public void APolicyForAnotherEnvIsRefusedBeforeTheFirstTick()
    {
        var io = new SimulatedRobotIO(Envs.Make("cartpole", 0), seed: 0);
        var e = Assert.Throws<ArgumentException>(() => new ControlLoop(new PendulumFeedback(), io, new ControlLoopConfig { Ticks = 10 }, new SimulatedClock()));
        Assert.Contains("observations of length 4", e.Message);
        Assert.Empty(io.CompletedEpisodes);
    }
}
