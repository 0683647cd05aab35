// DAgger on the analytic robots with experts written here: the aggregated dataset holds exactly the states the learner
// visited (replayed independently), each labelled by the expert; the expert reads the env's state when it asks to; beta
// follows its schedule and decides who acts; an expert that does not fit the env is refused; DAgger learns the expert.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Core.Models;
using Control.Policies.Common;
using Control.Policies.Imitation;
using Control.Robots;

namespace Control.Policies.Tests.Imitation;

public class DaggerTests
{
    // A smooth, saturating state feedback for the double integrator (observation = state (p, v), force in [-1, 1]):
    // not affine, so an affine learner acts differently and visits other states.
    private static readonly FunctionPolicy Expert = new(2, 1, (x, u) => u[0] = Math.Tanh(-3 * x[0] - 2.5 * x[1]));

    private static readonly DaggerConfig Affine = new()
    {
        Cloning = new BehaviourCloningConfig { Network = new NetworkConfig { Hidden = [] }, LearningRate = 1e-2, Epochs = 30 },
        LabelsPerIteration = 250,
    };

    [Fact]
    public void TheDatasetHoldsTheStatesTheLearnerVisitedLabelledByTheExpert()
    {
        var dagger = new Dagger(Envs.Make("double-integrator"), Expert, PolicyInput.Observation, Affine, seed: 1);
        Assert.Equal(BetaSchedule.Indicator, Affine.Schedule);
        DaggerIteration first = dagger.Iterate();
        InferencePolicy learner = dagger.Policy!;
        DaggerIteration second = dagger.Iterate();
        Assert.Equal((0, 1.0, 1.0, 250, 250), (first.Iteration, first.Beta, first.ExpertActionFraction, first.NewLabels, first.Labels));
        Assert.Equal((1, 0.0, 0.0, 250, 500), (second.Iteration, second.Beta, second.ExpertActionFraction, second.NewLabels, second.Labels));
        Assert.Equal(500, dagger.Data.Count);
        Assert.Equal(3, first.EpisodeSeeds.Count);

        // Replayed apart: iteration 0's rows are the expert's own episodes, iteration 1's the learner's (100-step episodes, the third cut at 50).
        List<double[]> expertVisits = Replay(Expert, first.EpisodeSeeds, 250);
        List<double[]> learnerVisits = Replay(learner, second.EpisodeSeeds, 250);
        for (int r = 0; r < 250; r++)
        {
            Assert.Equal(expertVisits[r], dagger.Data.Observation(r).ToArray());
            Assert.Equal(learnerVisits[r], dagger.Data.Observation(250 + r).ToArray());
        }
        List<double[]> expertOnTheLearnersSeeds = Replay(Expert, second.EpisodeSeeds, 250);
        Assert.Contains(Enumerable.Range(0, 250), r => Math.Abs(expertOnTheLearnersSeeds[r][0] - learnerVisits[r][0]) > 1e-3);

        var label = new double[1];
        for (int r = 0; r < dagger.Data.Count; r++)
        {
            Expert.Act(dagger.Data.Observation(r), label);
            Assert.Equal(label[0], dagger.Data.Action(r)[0]);
        }
    }

    [Fact]
    public void AStateReadingExpertIsGivenTheEnvsState()
    {
        // The cart-pole swing-up observes (x, xdot, cos theta, sin theta, thetadot) of the state (x, xdot, theta, thetadot).
        var expert = new FunctionPolicy(4, 1, (x, u) => u[0] = 2 * Math.Sin(x[2]) - x[0] + 0.1 * x[3]);
        var dagger = new Dagger(Envs.Make("cartpole-swingup"), expert, PolicyInput.State, Affine with { LabelsPerIteration = 300 }, seed: 2);
        dagger.Iterate();
        dagger.Iterate();
        for (int r = 0; r < dagger.Data.Count; r++)
        {
            ReadOnlySpan<double> o = dagger.Data.Observation(r);
            Assert.Equal(2 * o[3] - o[0] + 0.1 * o[4], dagger.Data.Action(r)[0], 12);
        }
        Assert.Equal(5, dagger.Data.ObservationSize);
    }

    [Fact]
    public void BetaFollowsItsScheduleAndDecidesWhoActs()
    {
        var exponential = new DaggerConfig { Schedule = BetaSchedule.Exponential, BetaDecay = 0.5 };
        Assert.Equal([1, 0.5, 0.25, 0.125], Enumerable.Range(0, 4).Select(i => Dagger.Beta(exponential, i)));
        Assert.Equal([1, 0.9, 0.81], Enumerable.Range(0, 3).Select(i => Dagger.Beta(exponential with { BetaDecay = 0.9 }, i)), new ToleranceComparer(1e-15));
        Assert.Equal([1, 0, 0, 0], Enumerable.Range(0, 4).Select(i => Dagger.Beta(new DaggerConfig { Schedule = BetaSchedule.Indicator }, i)));
        Assert.Equal([1, 1, 1], Enumerable.Range(0, 3).Select(i => Dagger.Beta(exponential with { BetaDecay = 1 }, i)));

        var dagger = new Dagger(Envs.Make("double-integrator"), Expert, PolicyInput.Observation, Affine with { LabelsPerIteration = 2000, Schedule = BetaSchedule.Exponential }, seed: 3);
        double[] fractions = Enumerable.Range(0, 3).Select(_ => dagger.Iterate().ExpertActionFraction).ToArray();
        Assert.Equal(1.0, fractions[0]);
        Assert.InRange(fractions[1], 0.47, 0.53);
        Assert.InRange(fractions[2], 0.22, 0.28);
    }

    [Fact]
    public void ExpertNoisePerturbsWhatTheExpertDoesButNotItsLabels()
    {
        // The double integrator's velocity gains dt u in a step (dt = 0.1, force limit 1): the executed force of row r is
        // (v_{r+1} - v_r) / dt within an episode (100 steps); a gentle expert rarely meets the limit.
        var gentle = new FunctionPolicy(2, 1, (x, u) => u[0] = 0.5 * Math.Tanh(-x[0] - x[1]));
        var config = Affine with { LabelsPerIteration = 2000, Schedule = BetaSchedule.Exponential, BetaDecay = 1, ExpertNoise = 0.2 };
        var dagger = new Dagger(Envs.Make("double-integrator"), gentle, PolicyInput.Observation, config, seed: 8);
        dagger.Iterate();
        DaggerIteration second = dagger.Iterate();
        Assert.Equal(1.0, second.ExpertActionFraction);
        var label = new double[1];
        var noise = new List<double>();
        for (int r = 0; r < dagger.Data.Count; r++)
        {
            gentle.Act(dagger.Data.Observation(r), label);
            Assert.Equal(label[0], dagger.Data.Action(r)[0]);
            if (r % 100 == 99) continue;
            double executed = (dagger.Data.Observation(r + 1)[1] - dagger.Data.Observation(r)[1]) / 0.1;
            if (Math.Abs(executed) < 0.999) noise.Add(executed - label[0]);
        }
        Assert.True(noise.Count > 3800, $"{noise.Count} unclipped steps");
        double mean = noise.Average(), std = Math.Sqrt(noise.Average(e => (e - mean) * (e - mean)));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(std, 0.19, 0.21); // 0.2 of the half-range 1

        // Without noise the expert's label is what it does.
        var clean = new Dagger(Envs.Make("double-integrator"), gentle, PolicyInput.Observation, config with { ExpertNoise = 0 }, seed: 8);
        clean.Iterate();
        for (int r = 0; r < 99; r++)
            Assert.Equal(clean.Data.Action(r)[0], (clean.Data.Observation(r + 1)[1] - clean.Data.Observation(r)[1]) / 0.1, 1e-12);

        Assert.Contains("ExpertNoise: expected a finite value >= 0, got -0.1", Assert.Throws<ArgumentException>(() => (config with { ExpertNoise = -0.1 }).Validate()).Message);
        var labeller = new ExpertLabeller(Envs.Make("cartpole"), new FunctionPolicy(4, 1, (_, u) => u[0] = 1), PolicyInput.Observation);
        Assert.Contains("needs a Box action space with finite bounds, got Discrete(2)", Assert.Throws<ArgumentException>(() => labeller.RunEpisode(null, 1, new Rng(0), 0, 10, expertNoise: 0.1)).Message);
        // an unbounded Box (ClipAction takes any action) has no half-range to scale the noise by
        var unbounded = new ExpertLabeller(new Control.Robots.Wrappers.ClipAction(Envs.Make("double-integrator")), gentle, PolicyInput.Observation);
        Assert.Contains("needs a Box action space with finite bounds, got Box", Assert.Throws<ArgumentException>(() => unbounded.RunEpisode(null, 1, new Rng(0), 0, 10, expertNoise: 0.1)).Message);
    }

    [Fact]
    public void AnExpertThatDoesNotFitTheEnvIsRefused()
    {
        IEnv env = Envs.Make("double-integrator");
        var twoActions = new FunctionPolicy(2, 2, (_, u) => u.Clear());
        var ex = Assert.Throws<ExpertMismatchException>(() => new Dagger(env, twoActions, PolicyInput.Observation, Affine, 0));
        Assert.Contains("expected a policy from observations of 2 values to actions of 1", ex.Message);
        Assert.Contains("got one from 2 values to 2", ex.Message);
        Assert.Throws<ExpertMismatchException>(() => new Dagger(Envs.Make("cartpole-swingup"), Expert, PolicyInput.State, Affine, 0));

        // A trained policy with the pendulum's sizes but torque bounds of +-1, on the pendulum (+-2).
        IEnv pendulum = Envs.Make("pendulum");
        var data = new ImitationDataset(3, 1);
        data.Add([1, 0, 0], [0.5]);
        data.Add([0, 1, 0], [-0.5]);
        InferencePolicy weaker = BehaviourCloning.Fit(data, pendulum.ObservationSpace, Box.Uniform(1, -1, 1), new BehaviourCloningConfig { Epochs = 1, HoldoutFraction = 0 }, 0).Policy;
        ex = Assert.Throws<ExpertMismatchException>(() => new ExpertLabeller(pendulum, weaker, PolicyInput.Observation));
        Assert.Contains("expected a policy acting in Box(-2, 2, (1,)), got one acting in Box(-1, 1, (1,))", ex.Message);
        InferencePolicy fitting = BehaviourCloning.Fit(data, pendulum.ObservationSpace, pendulum.ActionSpace, new BehaviourCloningConfig { Epochs = 1, HoldoutFraction = 0 }, 0).Policy;
        Assert.Equal(0, new ExpertLabeller(pendulum, fitting, PolicyInput.Observation).Data.Count);
    }

    [Fact]
    public void DaggerLearnsTheExpert()
    {
        var config = new DaggerConfig { Cloning = new BehaviourCloningConfig { Network = new NetworkConfig { Hidden = [32] }, LearningRate = 3e-3 }, LabelsPerIteration = 500 };
        var dagger = new Dagger(Envs.Make("double-integrator"), Expert, PolicyInput.Observation, config, seed: 4);
        for (int i = 0; i < 4; i++) dagger.Iterate();
        IEnv MakeEnv(long s) => Envs.Make("double-integrator", s);
        double expert = Evaluation.Run(Expert, MakeEnv, 10, 1000).Mean;
        double learner = Evaluation.Run(dagger.Policy!, MakeEnv, 10, 1000).Mean;
        double random = Evaluation.Run(new RandomPolicy(MakeEnv(0).ActionSpace, 2, new Rng(5)), MakeEnv, 10, 1000).Mean;
        Assert.True((learner - random) / (expert - random) > 0.98, $"expert {expert}, learner {learner}, random {random}");
        Assert.Equal(2000, dagger.Labels);
    }

    [Fact]
    public void TheSameSeedGivesTheSameRun()
    {
        double[] Run(long seed)
        {
            var dagger = new Dagger(Envs.Make("double-integrator"), Expert, PolicyInput.Observation, Affine, seed);
            dagger.Iterate();
            dagger.Iterate();
            return [.. dagger.Data.Observations, .. dagger.Policy!.Network.Layers[0].Weight.ToArray().Select(w => (double)w)];
        }
        Assert.Equal(Run(6), Run(6));
        Assert.NotEqual(Run(6), Run(7));
    }

    [Fact]
    public void FeedbackRowsAreStatesNearEachLabelledOneLabelledByTheExpertsGainAndLeaveTheEpisodesAlone()
    {
        // On the cart-pole swing-up (state x, xdot, theta, thetadot; observed x, xdot, cos, sin, thetadot), an expert
        // linear in the state with gain K, saturating at the force bound.
        double[] gain = [0.4, 0.6, -3.0, -0.8];
        var expert = new LinearFeedbackExpert(gain, 10);
        double[] noise = [0.05, 0.1, 0.02, 0.1];
        DaggerConfig config = Affine with { LabelsPerIteration = 300, FeedbackSamples = 4, FeedbackNoise = noise };
        var dagger = new Dagger(Envs.Make("cartpole-swingup"), expert, PolicyInput.State, config, seed: 3);
        DaggerIteration first = dagger.Iterate();
        DaggerIteration second = dagger.Iterate();
        Assert.Equal((600, 2400), (dagger.Labels, dagger.Feedback.Count));
        Assert.Equal((1200, 2400), (first.FeedbackRows, second.FeedbackRows));
        Assert.Equal(2400, second.Metrics()["dagger/feedback_rows"]);

        // Row r * 4 + k lies near labelled row r: its state is that row's plus dx, its label u + K dx clipped.
        var deviations = new double[4][];
        for (int j = 0; j < 4; j++) deviations[j] = new double[dagger.Feedback.Count];
        for (int r = 0; r < dagger.Labels; r++)
        {
            ReadOnlySpan<double> o = dagger.Data.Observation(r);
            double u = dagger.Data.Action(r)[0];
            for (int k = 0; k < 4; k++)
            {
                int row = r * 4 + k;
                ReadOnlySpan<double> near = dagger.Feedback.Observation(row);
                double turn = Math.IEEERemainder(Math.Atan2(near[3], near[2]) - Math.Atan2(o[3], o[2]), 2 * Math.PI);
                double[] dx = [near[0] - o[0], near[1] - o[1], turn, near[4] - o[4]];
                double expected = Math.Clamp(u + dx.Select((d, j) => gain[j] * d).Sum(), -10, 10);
                Assert.Equal(expected, dagger.Feedback.Action(row)[0], 9);
                for (int j = 0; j < 4; j++) deviations[j][row] = dx[j];
            }
        }
        for (int j = 0; j < 4; j++)
        {
            double std = Math.Sqrt(deviations[j].Select(d => d * d).Average());
            Assert.InRange(std / noise[j], 0.94, 1.06);
        }
        Assert.Contains(Enumerable.Range(0, dagger.Feedback.Count), row => Math.Abs(dagger.Feedback.Action(row)[0]) == 10);

        // The episodes and the expert's labels are those of the same run without feedback rows.
        var plain = new Dagger(Envs.Make("cartpole-swingup"), new LinearFeedbackExpert(gain, 10), PolicyInput.State, Affine with { LabelsPerIteration = 300 }, seed: 3);
        plain.Iterate();
        Assert.Equal(dagger.Data.Observations[..(300 * 5)].ToArray(), plain.Data.Observations.ToArray());
        Assert.Equal(0, plain.Feedback.Count);
    }

    [Fact]
    public void WithSeveralActionsEachActionTakesItsOwnRowOfTheGain()
    {
        // reacher2d: state (t1, t2, t1dot, t2dot, target x, y), observed (cos t1, cos t2, sin t1, sin t2, target, t1dot,
        // t2dot, tip - target); two torques. K is 2 x 6, row-major, no two entries alike.
        double[] gain = [-0.5, 0.3, -0.2, 0.05, 0.7, -0.9, 0.4, -0.6, 0.1, -0.15, -0.8, 0.25];
        var expert = new LinearFeedbackExpert(gain, 2, actions: 2);
        double[] sigma = [0.05, 0.05, 0.1, 0.1, 0.01, 0.01];
        var dagger = new Dagger(Envs.Make("reacher2d"), expert, PolicyInput.State, Affine with { LabelsPerIteration = 100, FeedbackSamples = 2, FeedbackNoise = sigma }, seed: 5);
        dagger.Iterate();
        Assert.Equal(200, dagger.Feedback.Count);
        for (int row = 0; row < dagger.Feedback.Count; row++)
        {
            double[] o = dagger.Data.Observation(row / 2).ToArray(), near = dagger.Feedback.Observation(row).ToArray();
            double Turn(int c, int s) => Math.IEEERemainder(Math.Atan2(near[s], near[c]) - Math.Atan2(o[s], o[c]), 2 * Math.PI);
            double[] dx = [Turn(0, 2), Turn(1, 3), near[6] - o[6], near[7] - o[7], near[4] - o[4], near[5] - o[5]];
            for (int i = 0; i < 2; i++)
            {
                double expected = Math.Clamp(dagger.Data.Action(row / 2)[i] + dx.Select((d, j) => gain[i * 6 + j] * d).Sum(), -2, 2);
                Assert.Equal(expected, dagger.Feedback.Action(row)[i], 9);
            }
        }
    }

    [Fact]
    public void FeedbackRowsNeedAStateReadingExpertWithGainsAndOneNoisePerStateCoordinate()
    {
        IEnv env = Envs.Make("cartpole-swingup");
        var expert = new LinearFeedbackExpert([0.4, 0.6, -3.0, -0.8], 10);
        var noGains = new FunctionPolicy(4, 1, (x, u) => u[0] = -x[0]);
        var ex = Assert.Throws<ArgumentException>(() => new ExpertLabeller(env, noGains, PolicyInput.State).LabelNearby(2, [0.1, 0.1, 0.1, 0.1], new Rng(1)));
        Assert.Contains("feedback labels need an expert that reads the state and gives the gain of its action", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new ExpertLabeller(env, expert, PolicyInput.State).LabelNearby(2, [0.1, 0.1], new Rng(1)));
        Assert.Contains("expected a feedback noise of 4 finite values >= 0", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new ExpertLabeller(env, expert, PolicyInput.State).LabelNearby(2, [0.1, double.NaN, 0.1, 0.1], new Rng(1)));
        Assert.Contains("got [0.1, NaN, 0.1, 0.1]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new DaggerConfig { FeedbackSamples = 2 }.Validate());
        Assert.Contains("FeedbackNoise: with feedback samples, expected finite values >= 0", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new DaggerConfig { FeedbackSamples = -1 }.Validate());
        Assert.Contains("FeedbackSamples: expected a count >= 0, got -1", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new Dagger(env, noGains, PolicyInput.State, Affine with { FeedbackSamples = 1, FeedbackNoise = [0.1, 0.1, 0.1, 0.1] }, 1));
        Assert.Contains("feedback labels need an expert that reads the state and gives the gain of its action", ex.Message);
    }

    [Fact]
    public void MirroredRowsAreTheImageOfEveryLabelAndAreFittedUnlessTheirLabelIsHeldOut()
    {
        // acrobot-swingup observes (cos t1, sin t1, cos t2, sin t2, t1dot, t2dot); its mirror negates the sines, the rates and the torque.
        IEnv env = Envs.Make("acrobot-swingup");
        var expert = new FunctionPolicy(6, 1, (o, u) => u[0] = Math.Clamp(3 * o[1] + 0.5 * o[3] - 0.2 * o[4] + 0.7, -4, 4));
        var config = Affine with { LabelsPerIteration = 300, Mirror = true };
        var dagger = new Dagger(env, expert, PolicyInput.Observation, config, seed: 2);
        DaggerIteration first = dagger.Iterate();
        DaggerIteration second = dagger.Iterate();
        Assert.Equal((600, 600), (dagger.Labels, dagger.Mirrored.Count));
        Assert.Equal((300, 600, 0), (first.MirroredRows, second.MirroredRows, second.FeedbackRows));
        Assert.Equal(600.0, second.Metrics()["dagger/mirrored_rows"]);
        for (int row = 0; row < dagger.Labels; row++)
        {
            double[] o = dagger.Data.Observation(row).ToArray(), image = dagger.Mirrored.Observation(row).ToArray();
            Assert.Equal([o[0], -o[1], o[2], -o[3], -o[4], -o[5]], image);
            Assert.Equal(-dagger.Data.Action(row)[0], dagger.Mirrored.Action(row)[0]);
        }

        // Every image is fitted unless its label is held out (the holdout is a part of the labels alone).
        BehaviourCloningResult fit = second.Fit;
        Assert.InRange(fit.HoldoutCount, 30, 90);
        Assert.Equal(2 * (600 - fit.HoldoutCount), fit.TrainCount);

        var plain = new Dagger(env, expert, PolicyInput.Observation, config with { Mirror = false }, seed: 2);
        DaggerIteration alone = plain.Iterate();
        Assert.Equal((0, 300), (plain.Mirrored.Count, alone.Fit.TrainCount + alone.Fit.HoldoutCount));
    }

    [Fact]
    public void MirroredRowsNeedAnEnvThatDeclaresItsSymmetry()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Dagger(Envs.Make("double-integrator"), Expert, PolicyInput.Observation, Affine with { Mirror = true }, 1));
        Assert.Contains("double-integrator: mirrored labels need an env with a declared reflection symmetry (IMirrorSymmetricEnv)", ex.Message);
    }

    // The observations a policy acts on in episodes reset with the given seeds, the last cut so that the total is `labels`.
    private static List<double[]> Replay(IPolicy policy, IReadOnlyList<long> seeds, int labels)
    {
        var recorder = new FunctionPolicy(policy.ObservationSize, policy.ActionSize, policy.Act);
        var runner = new EpisodeRunner(Envs.Make("double-integrator"));
        foreach (long seed in seeds) runner.Run(recorder, seed, labels - recorder.Seen.Count);
        return recorder.Seen;
    }

    // A policy given by a function, recording every observation it acted on.
    private sealed class FunctionPolicy(int observationSize, int actionSize, FunctionPolicy.Body body) : IPolicy
    {
        public delegate void Body(ReadOnlySpan<double> observation, Span<double> action);

        public List<double[]> Seen { get; } = [];

        public int ObservationSize => observationSize;

        public int ActionSize => actionSize;

        public void Act(ReadOnlySpan<double> observation, Span<double> action)
        {
            Seen.Add(observation.ToArray());
            body(observation, action);
        }

        public void Reset() { }
    }

    // u = clip(K x) on the state (K actions x n, row-major), with K as the gain of every action.
    private sealed class LinearFeedbackExpert(double[] gain, double bound, int actions = 1) : IFeedbackPolicy
    {
        public IStateSpace StateSpace { get; } = new EuclideanStateSpace(gain.Length / actions);

        public int ObservationSize => gain.Length / actions;

        public int ActionSize => actions;

        public void Act(ReadOnlySpan<double> observation, Span<double> action)
        {
            int n = ObservationSize;
            for (int i = 0; i < actions; i++)
            {
                double u = 0;
                for (int j = 0; j < n; j++) u += gain[i * n + j] * observation[j];
                action[i] = Math.Clamp(u, -bound, bound);
            }
        }

        public bool LastGain(Span<double> k)
        {
            gain.CopyTo(k);
            return true;
        }

        public void Reset() { }
    }
}
