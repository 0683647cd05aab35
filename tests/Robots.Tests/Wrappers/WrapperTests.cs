// Wrappers: time limit, episode statistics, observation normalization (with save/load), action rescale and clip.
using Control.Core;
using Control.Core.Envs;
using Control.Robots.Analytic;
using Control.Robots.Wrappers;

namespace Control.Robots.Tests.Wrappers;

public class WrapperTests
{
    [Fact]
    public void EpisodeStatisticsRecordsReturnsAndLengths()
    {
        var env = new EpisodeStatistics(Envs.Make("cartpole", 0), capacity: 3);
        var rng = new Rng(1);
        var expected = new List<(double, int)>();
        for (int e = 0; e < 5; e++)
        {
            env.Reset();
            double total = 0;
            int length = 0;
            Transition t;
            do
            {
                t = env.Step(rng.NextInt(2));
                total += t.Reward;
                length++;
            } while (!t.Done);
            expected.Add((total, length));
            Assert.Equal(new EpisodeSummary(total, length, t.Terminated), env.LastEpisode);
        }
        Assert.Equal(5, env.EpisodeCount);
        Assert.Equal(expected.TakeLast(3).Select(x => x.Item1), env.Recent.Select(r => r.Return));
    }

    [Fact]
    public void NormalizeObservationTracksRunningStatisticsAndSavesThem()
    {
        string path = Path.Combine(Path.GetTempPath(), $"control-norm-{Guid.NewGuid():N}.json");
        try
        {
            var env = new NormalizeObservation(Envs.Make("pendulum", 0));
            var raw = new List<double[]>();
            var stats = new RunningMeanStd(3);
            var inner = env.Inner;
            var obs = new double[3];
            env.Reset(obs, 0);
            var rawObs = new double[3];
            inner.Find<RobotEnv>()!.Observe(inner.Find<RobotEnv>()!.State, rawObs);
            raw.Add(rawObs.ToArray());
            for (int t = 0; t < 150; t++)
            {
                env.Step([Math.Sin(t * 0.1) * 2], obs);
                inner.Find<RobotEnv>()!.Observe(inner.Find<RobotEnv>()!.State, rawObs);
                raw.Add(rawObs.ToArray());
            }
            foreach (double[] r in raw) stats.Update(r);
            for (int i = 0; i < 3; i++)
            {
                double mean = raw.Average(r => r[i]);
                double variance = raw.Average(r => (r[i] - mean) * (r[i] - mean));
                Assert.Equal(mean, env.Statistics.Mean[i], 3);
                Assert.Equal(variance, env.Statistics.Variance[i], 3);
                Assert.Equal((raw[^1][i] - env.Statistics.Mean[i]) / Math.Sqrt(env.Statistics.Variance[i] + 1e-8), obs[i], 9);
            }
            env.Statistics.Save(path);
            RunningMeanStd loaded = RunningMeanStd.Load(path);
            Assert.Equal(env.Statistics.Mean.ToArray(), loaded.Mean.ToArray());
            Assert.Equal(env.Statistics.Variance.ToArray(), loaded.Variance.ToArray());
            Assert.Equal(env.Statistics.Count, loaded.Count);

            var frozen = new NormalizeObservation(Envs.Make("pendulum", 0), statistics: loaded) { Training = false };
            frozen.Reset(obs, 0);
            Assert.Equal(env.Statistics.Count, loaded.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NormalizationRejectsNonPositiveClipAndBadCounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalizeObservation(Envs.Make("pendulum"), clip: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalizeObservation(Envs.Make("pendulum"), clip: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RunningMeanStd(3, initialCount: -1));
        var stats = new RunningMeanStd(2, initialCount: 0);
        stats.Update([1.0, 2.0]);
        Assert.Equal([1.0, 2.0], stats.Mean.ToArray());
        Assert.Equal([0.0, 0.0], stats.Variance.ToArray());
    }

    [Fact]
    public void LoadingACorruptStatisticsFileFailsClearly()
    {
        string path = Path.Combine(Path.GetTempPath(), $"control-norm-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "{\"Version\":1,\"Count\":3,\"Mean\":[0,1],\"Variance\":[1]}");
            var e = Assert.Throws<InvalidDataException>(() => RunningMeanStd.Load(path));
            Assert.Contains(path, e.Message);
            File.WriteAllText(path, "not json");
            Assert.Throws<InvalidDataException>(() => RunningMeanStd.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void RescaleActionMapsUnitBoxOntoTheEnvBounds()
    {
        var plain = new PendulumEnv(0);
        var scaled = new RescaleAction(new PendulumEnv(0));
        Assert.Equal(Box.Uniform(1, -1, 1), scaled.ActionSpace);
        plain.Reset(seed: 3);
        scaled.Reset(seed: 3);
        Assert.Equal(plain.Step([1.0]).Observation, scaled.Step([0.5]).Observation);
        Assert.Equal(plain.Step([-2.0]).Observation, scaled.Step([-1.0]).Observation);
        var e = Assert.Throws<ArgumentException>(() => new RescaleAction(new CartPoleEnv()));
        Assert.Contains("bounded Box", e.Message);
        Assert.Throws<InvalidActionException>(() => scaled.Step([double.NaN]));
    }

    [Fact]
    public void ClipActionAcceptsAnyFiniteValueAndClips()
    {
        var plain = new MountainCarContinuousEnv(0);
        var clipped = new ClipAction(new MountainCarContinuousEnv(0));
        plain.Reset(seed: 1);
        clipped.Reset(seed: 1);
        Transition a = plain.Step([1.0]);
        Transition b = clipped.Step([7.0]);
        Assert.Equal(a.Observation, b.Observation);
        Assert.Equal(a.Reward, b.Reward);
        Assert.Throws<InvalidActionException>(() => clipped.Step([double.NaN]));
    }

    [Fact]
    public void FindWalksTheWrapperChain()
    {
        IEnv env = new NormalizeObservation(new RescaleAction(Envs.Make("quadrotor2d", 0)));
        Assert.NotNull(env.Find<TimeLimit>());
        Assert.NotNull(env.Find<Quadrotor2DEnv>());
        Assert.NotNull(env.Find<IModelEnv>());
        Assert.Null(env.Find<CartPoleEnv>());
        Assert.Equal("quadrotor2d", env.Name);
    }
}
