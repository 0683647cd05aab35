// Behaviour cloning against closed forms: an affine policy is recovered from its own actions, a Gaussian head learns
// the noise's standard deviation, a categorical head the argmax of a linear score; early stopping keeps the best
// holdout epoch; same seed, same policy; bad data is refused with messages that say what was expected.
using Control.Core;
using Control.Core.Envs;
using Control.Dynamics.Data;
using Control.Policies.Common;
using Control.Policies.Imitation;

namespace Control.Policies.Tests.Imitation;

public class BehaviourCloningTests
{
    // a = K x + c on observations of very different scales and offsets (so that normalization matters).
    private static readonly double[,] K = { { 1.5, -2.0, 0.25 }, { -0.5, 0.75, 3.0 } };
    private static readonly double[] C = [0.3, -1.2];
    private static readonly double[] ObservationScale = [1.0, 10.0, 0.1];
    private static readonly double[] ObservationOffset = [0.0, 5.0, -0.3];
    private static readonly Box Observations3 = Box.Uniform(3, double.NegativeInfinity, double.PositiveInfinity);
    private static readonly Box Actions2 = Box.Uniform(2, -100, 100);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnAffinePolicyIsRecoveredFromItsOwnActions(bool normalize)
    {
        (double[] x, double[] a) = AffineData(2000, noise: 0, seed: 1);
        var config = new BehaviourCloningConfig
        {
            Network = new NetworkConfig { Hidden = [] }, NormalizeObservations = normalize, LearningRate = 1e-2, Epochs = 400, Patience = 400,
        };
        BehaviourCloningResult fit = BehaviourCloning.Fit(x, a, Observations3, Actions2, config, seed: 3);

        (double[] xTest, double[] aTest) = AffineData(200, noise: 0, seed: 2);
        var action = new double[2];
        double worst = 0;
        for (int r = 0; r < 200; r++)
        {
            fit.Policy.Act(xTest.AsSpan(r * 3, 3), action);
            for (int i = 0; i < 2; i++) worst = Math.Max(worst, Math.Abs(action[i] - aTest[r * 2 + i]));
        }
        // The actions have a standard deviation of ~20: float32 weights recover them to ~1e-5 of that.
        Assert.True(worst < 2e-3, $"largest action error {worst}");
        Assert.Equal(normalize, fit.Policy.Normalizer is not null);
        Assert.Equal(ActionHeadKind.Deterministic, fit.Policy.Head.Kind);
        Assert.True(fit.HoldoutLoss < 1e-8, $"holdout loss {fit.HoldoutLoss}");
        Assert.Equal((1800, 200), (fit.TrainCount, fit.HoldoutCount));
    }

    [Fact]
    public void AGaussianHeadLearnsTheMeanAndTheNoise()
    {
        (double[] x, double[] a) = AffineData(4000, noise: 0.5, seed: 4);
        var config = new BehaviourCloningConfig { Network = new NetworkConfig { Hidden = [] }, Head = ImitationHead.Gaussian, LearningRate = 2e-3, Epochs = 200 };
        InferencePolicy policy = BehaviourCloning.Fit(x, a, Observations3, Actions2, config, seed: 5).Policy;
        Assert.Equal(ActionHeadKind.GaussianMean, policy.Head.Kind);
        for (int i = 0; i < 2; i++) Assert.InRange(Math.Exp(policy.Head.LogStd[i]), 0.45, 0.55);

        // The mean to half the noise's standard deviation (1% of the actions' spread): Adam's steps at a constant rate keep
        // the weights jittering around the least-squares solution by about that much.
        (double[] xTest, double[] aTest) = AffineData(200, noise: 0, seed: 6);
        var action = new double[2];
        for (int r = 0; r < 200; r++)
        {
            policy.Act(xTest.AsSpan(r * 3, 3), action);
            for (int i = 0; i < 2; i++) Assert.True(Math.Abs(action[i] - aTest[r * 2 + i]) < 0.25, $"row {r}: {action[i]} against {aTest[r * 2 + i]}");
        }
    }

    [Fact]
    public void ACategoricalHeadLearnsTheArgmaxOfALinearScore()
    {
        var rng = new Rng(7);
        double[] Draw(int rows, double[] labels)
        {
            var obs = new double[rows * 2];
            rng.FillNormal(obs);
            for (int r = 0; r < rows; r++)
            {
                double u = obs[2 * r], v = obs[2 * r + 1];
                double[] score = [u + v, u - v, -u];
                labels[r] = Array.IndexOf(score, score.Max());
            }
            return obs;
        }
        var a = new double[3000];
        double[] x = Draw(3000, a);
        var space = Box.Uniform(2, double.NegativeInfinity, double.PositiveInfinity);
        InferencePolicy policy = BehaviourCloning.Fit(x, a, space, new Discrete(3), new BehaviourCloningConfig { Network = new NetworkConfig { Hidden = [32] }, LearningRate = 1e-2 }, seed: 8).Policy;
        Assert.Equal(ActionHeadKind.Argmax, policy.Head.Kind);
        var labels = new double[1000];
        double[] test = Draw(1000, labels);
        var action = new double[1];
        int right = 0;
        for (int r = 0; r < 1000; r++)
        {
            policy.Act(test.AsSpan(2 * r, 2), action);
            if (action[0] == labels[r]) right++;
        }
        Assert.True(right >= 970, $"{right} of 1000 test labels right");
    }

    // Labels that go two ways: where x > 0 the first action is 4 with probability 0.7 and -4 otherwise (mirrored where
    // x < 0); the second is 2 sign(x) always.
    private static (double[] X, double[] A) TwoWayData(int rows, int seed)
    {
        var rng = new Rng(seed);
        var x = new double[rows];
        var a = new double[rows * 2];
        for (int r = 0; r < rows; r++)
        {
            x[r] = rng.Uniform(-1, 1);
            double side = Math.Sign(x[r]);
            a[2 * r] = 4 * side * (rng.NextDouble() < 0.7 ? 1 : -1);
            a[2 * r + 1] = 2 * side;
        }
        return (x, a);
    }

    [Fact]
    public void ABinnedHeadCommitsToTheMoreFrequentActionWhereLeastSquaresAveragesThem()
    {
        (double[] x, double[] a) = TwoWayData(4000, seed: 31);
        var observations = Box.Uniform(1, -1, 1);
        var actions = new Box([-4.0, -2.0], [4.0, 2.0]);
        var binned = new BehaviourCloningConfig { Network = new NetworkConfig { Hidden = [32] }, Head = ImitationHead.Binned, LearningRate = 1e-2, Epochs = 50 };
        InferencePolicy policy = BehaviourCloning.Fit(x, a, observations, actions, binned, seed: 32).Policy;
        InferencePolicy mean = BehaviourCloning.Fit(x, a, observations, actions, binned with { Head = ImitationHead.Deterministic }, seed: 32).Policy;
        Assert.Equal(ActionHeadKind.Binned, policy.Head.Kind);
        Assert.Equal(26, policy.Network.Outputs);
        Assert.Equal([-4.0, -3.0, -2.0, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0], policy.Head.Levels[..13].ToArray());
        Assert.Equal(-2.0, policy.Head.Levels[13]);

        var action = new double[2];
        int committed = 0, averaged = 0, tested = 0;
        for (double probe = -0.95; probe <= 0.95; probe += 0.01)
        {
            if (Math.Abs(probe) < 0.05) continue;
            tested++;
            double side = Math.Sign(probe);
            policy.Act([probe], action);
            if (action[0] == 4 * side && action[1] == 2 * side) committed++;
            mean.Act([probe], action);
            if (Math.Abs(action[0] - 1.6 * side) < 0.5) averaged++;
        }
        Assert.True(committed >= 0.97 * tested, $"the binned head took (4, 2) sign(x) at {committed} of {tested} probes");
        Assert.True(averaged >= 0.9 * tested, $"least squares took the mean 1.6 sign(x) at only {averaged} of {tested} probes");
    }

    [Fact]
    public void ABinnedPolicysCheckpointActsAsIt()
    {
        (double[] x, double[] a) = TwoWayData(300, seed: 33);
        var config = new BehaviourCloningConfig { Head = ImitationHead.Binned, Levels = [-1, -0.2, 0.3, 1], Epochs = 5 };
        InferencePolicy policy = BehaviourCloning.Fit(x, a, Box.Uniform(1, -1, 1), new Box([-4.0, -2.0], [4.0, 2.0]), config, seed: 34).Policy;
        var checkpoint = new Checkpoint();
        policy.Save(checkpoint);
        InferencePolicy loaded = InferencePolicy.Load(checkpoint);
        Assert.Equal([-4.0, -0.8, 1.2, 4.0, -2.0, -0.4, 0.6, 2.0], loaded.Head.Levels.ToArray());
        var expected = new double[2];
        var actual = new double[2];
        for (int r = 0; r < 100; r++)
        {
            policy.Act(x.AsSpan(r, 1), expected);
            loaded.Act(x.AsSpan(r, 1), actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void ABinnedHeadSaysWhatItExpects()
    {
        (double[] x, double[] a) = TwoWayData(100, seed: 35);
        var observations = Box.Uniform(1, -1, 1);
        var unbounded = new Box([-4.0, double.NegativeInfinity], [4.0, 2.0]);
        var binned = new BehaviourCloningConfig { Head = ImitationHead.Binned, Epochs = 1 };
        var e = Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(x, a, observations, unbounded, binned, seed: 1));
        Assert.Contains("action 1 has bounds [-Infinity, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(x, a, observations, new Box([-4.0, 2.0], [4.0, 2.0]), binned, seed: 1));
        Assert.Contains("must be finite, ordered and apart; action 1 has bounds [2, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(x, a, observations, new Box([-4.0, -2.0], [4.0, 2.0]), binned with { Levels = [-1, 0.5, 0.5] }, seed: 1));
        Assert.Contains("Levels: expected increasing positions in [-1, 1], got [-1, 0.5, 0.5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(x, a, observations, new Box([-4.0, -2.0], [4.0, 2.0]), binned with { Levels = [-1, 1.5] }, seed: 1));
        Assert.Contains("got [-1, 1.5]", e.Message);
        Assert.Contains("at least 2 levels per action", Assert.Throws<ArgumentException>(() => ActionHead.Binned(2, [0.0, 1.0, 2.0])).Message);
        Assert.Contains("increasing within each action", Assert.Throws<ArgumentException>(() => ActionHead.Binned(1, [0.0, 1.0, 1.0])).Message);
    }

    [Fact]
    public void ABinnedHeadTakesTheFirstLargestLogitOfEachActionAndANaNAboveAny()
    {
        ActionHead head = ActionHead.Binned(2, [-1.0, 0.0, 1.0, 10.0, 20.0, 30.0]);
        var action = new double[2];
        head.Act([0.5f, 2f, 2f, 3f, -1f, 3f], action);
        Assert.Equal([0.0, 10.0], action);
        head.Act([0f, 1f, float.NaN, float.NaN, 5f, float.NaN], action);
        Assert.Equal([1.0, 10.0], action);
        Assert.False(head.CanSample);
    }

    [Fact]
    public void EarlyStoppingKeepsTheEpochOfTheLowestHoldoutLoss()
    {
        // Few noisy rows and a wide network: the holdout loss turns up long before 500 epochs.
        (double[] x, double[] a) = AffineData(100, noise: 3, seed: 9);
        var config = new BehaviourCloningConfig { Network = new NetworkConfig { Hidden = [128, 128] }, LearningRate = 3e-3, Epochs = 500, Patience = 10, BatchSize = 16 };
        BehaviourCloningResult fit = BehaviourCloning.Fit(x, a, Observations3, Actions2, config, seed: 10);
        Assert.True(fit.Epochs < 500, $"ran {fit.Epochs} epochs");
        Assert.Equal(fit.Epochs, fit.HoldoutLosses.Count);
        Assert.Equal(fit.Epochs, fit.EpochSeconds.Count);
        Assert.Equal(fit.HoldoutLosses.Min(), fit.HoldoutLoss);
        Assert.Equal(fit.HoldoutLosses.ToList().IndexOf(fit.HoldoutLoss) + 1, fit.BestEpoch);
        Assert.True(fit.Epochs >= fit.BestEpoch + config.Patience, $"stopped at {fit.Epochs} with the best at {fit.BestEpoch}");

        // Without a holdout every epoch runs and the last is kept.
        BehaviourCloningResult noHoldout = BehaviourCloning.Fit(x, a, Observations3, Actions2, config with { HoldoutFraction = 0, Epochs = 3 }, seed: 10);
        Assert.True(double.IsNaN(noHoldout.HoldoutLoss));
        Assert.Equal((3, 3, 100, 0), (noHoldout.Epochs, noHoldout.BestEpoch, noHoldout.TrainCount, noHoldout.HoldoutCount));
        Assert.Empty(noHoldout.HoldoutLosses);
    }

    [Fact]
    public void TheSameSeedGivesTheSamePolicy()
    {
        (double[] x, double[] a) = AffineData(500, noise: 0.1, seed: 11);
        var config = new BehaviourCloningConfig { Epochs = 5 };
        InferencePolicy first = BehaviourCloning.Fit(x, a, Observations3, Actions2, config, seed: 12).Policy;
        InferencePolicy again = BehaviourCloning.Fit(x, a, Observations3, Actions2, config, seed: 12).Policy;
        InferencePolicy other = BehaviourCloning.Fit(x, a, Observations3, Actions2, config, seed: 13).Policy;
        Assert.Equal(first.Network.Layers[0].Weight.ToArray(), again.Network.Layers[0].Weight.ToArray());
        Assert.Equal(first.Network.Layers[^1].Bias.ToArray(), again.Network.Layers[^1].Bias.ToArray());
        Assert.NotEqual(first.Network.Layers[0].Weight.ToArray(), other.Network.Layers[0].Weight.ToArray());
    }

    [Fact]
    public void TheCheckpointOfTheFittedPolicyActsAsIt()
    {
        (double[] x, double[] a) = AffineData(300, noise: 0.1, seed: 14);
        InferencePolicy policy = BehaviourCloning.Fit(x, a, Observations3, Actions2, new BehaviourCloningConfig { Epochs = 5, Head = ImitationHead.Gaussian }, seed: 15).Policy;
        var checkpoint = new Checkpoint();
        policy.Save(checkpoint);
        InferencePolicy loaded = InferencePolicy.Load(checkpoint);
        var expected = new double[2];
        var actual = new double[2];
        for (int r = 0; r < 50; r++)
        {
            policy.Act(x.AsSpan(3 * r, 3), expected);
            loaded.Act(x.AsSpan(3 * r, 3), actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void ATransitionDatasetIsClonedFromItsStatesAndControls()
    {
        (double[] x, double[] a) = AffineData(400, noise: 0, seed: 16);
        var data = new TransitionDataset(3, 2);
        for (int r = 0; r < 400; r++) data.Add(x.AsSpan(3 * r, 3), a.AsSpan(2 * r, 2), x.AsSpan(3 * r, 3), 0, false);
        var config = new BehaviourCloningConfig { Network = new NetworkConfig { Hidden = [] }, LearningRate = 1e-2, Epochs = 3 };
        BehaviourCloningResult fromDataset = BehaviourCloning.Fit(data, Observations3, Actions2, config, seed: 17);
        BehaviourCloningResult fromSpans = BehaviourCloning.Fit(x, a, Observations3, Actions2, config, seed: 17);
        Assert.Equal(fromSpans.TrainLoss, fromDataset.TrainLoss);
    }

    [Fact]
    public void CompanionRowsTrainWithTheirLabelledRowAndAreHeldOutWithIt()
    {
        // 100 labelled rows, then 3 companions of each (in the order of their rows), all affine data.
        (double[] x, double[] a) = AffineData(400, noise: 0, seed: 4);
        int[] companionOf = [.. Enumerable.Range(0, 300).Select(k => k / 3)];
        var config = new BehaviourCloningConfig { Network = new NetworkConfig { Hidden = [] }, Epochs = 2 };
        BehaviourCloningResult fit = BehaviourCloning.Fit(x, a, Observations3, Actions2, config, 5, companionOf);
        // The holdout is 10% of the labelled rows; their 30 companions train neither.
        Assert.Equal((90 + 270, 10), (fit.TrainCount, fit.HoldoutCount));
        BehaviourCloningResult plain = BehaviourCloning.Fit(x, a, Observations3, Actions2, config, 5);
        Assert.Equal((360, 40), (plain.TrainCount, plain.HoldoutCount));
        // Without companions the split and the fit are those of the plain fit.
        Assert.Equal(plain.TrainLoss, BehaviourCloning.Fit(x, a, Observations3, Actions2, config, 5, []).TrainLoss);

        var labelled = new ImitationDataset(3, 2);
        var companions = new ImitationDataset(3, 2);
        for (int r = 0; r < 400; r++) (r < 100 ? labelled : companions).Add(x.AsSpan(r * 3, 3), a.AsSpan(r * 2, 2));
        Assert.Equal(fit.TrainLoss, BehaviourCloning.Fit(labelled, companions, companionOf, Observations3, Actions2, config, 5).TrainLoss);

        Assert.Contains("expected companion 2 to name a labelled row in [0, 99], got 100",
            Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(x, a, Observations3, Actions2, config, 5, [.. companionOf[..2], 100, .. companionOf[3..]])).Message);
        Assert.Contains("expected a labelled row for each of the 300 companion rows, got 2",
            Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(labelled, companions, [0, 1], Observations3, Actions2, config, 5)).Message);
    }

    [Fact]
    public void BadDataSaysWhatWasExpected()
    {
        var config = new BehaviourCloningConfig { Epochs = 1 };
        double[] x = [1, 2, 3, 4, 5, 6];
        Assert.Contains("as many rows of 2 action values", Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(x, [1, 2, 3], Observations3, Actions2, config, 0)).Message);
        Assert.Contains("rows of 3 values", Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit([1, 2], [1, 2], Observations3, Actions2, config, 0)).Message);
        Assert.Contains("expected at least one row", Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit([], [], Observations3, Actions2, config, 0)).Message);
        Assert.Contains("finite observation values, got NaN in row 1, column 0",
            Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit([1, 2, 3, double.NaN, 5, 6], [1, 2, 3, 4], Observations3, Actions2, config, 0)).Message);
        Assert.Contains("indices in [0, 2]", Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(x, [0, 3], Observations3, new Discrete(3), config, 0)).Message);
        Assert.Contains("indices in [0, 2]", Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(x, [0, 0.5], Observations3, new Discrete(3), config, 0)).Message);
        Assert.Contains("HoldoutFraction", Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(x, [1, 2, 3, 4], Observations3, Actions2, config with { HoldoutFraction = 1 }, 0)).Message);
        Assert.Contains("BatchSize", Assert.Throws<ArgumentException>(() => BehaviourCloning.Fit(x, [1, 2, 3, 4], Observations3, Actions2, config with { BatchSize = 0 }, 0)).Message);
    }

    // Rows x_j = offset_j + scale_j z_j with z ~ N(0, 1), and a = K x + c + noise N(0, noise^2).
    private static (double[] X, double[] A) AffineData(int rows, double noise, long seed)
    {
        var rng = new Rng(seed);
        var x = new double[rows * 3];
        var a = new double[rows * 2];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < 3; j++) x[r * 3 + j] = ObservationOffset[j] + ObservationScale[j] * rng.Normal();
            for (int i = 0; i < 2; i++)
            {
                double value = C[i] + noise * rng.Normal();
                for (int j = 0; j < 3; j++) value += K[i, j] * x[r * 3 + j];
                a[r * 2 + i] = value;
            }
        }
        return (x, a);
    }
}
