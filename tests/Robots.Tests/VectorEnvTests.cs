// The vector env: same results as stepping the copies one by one, automatic reset with final
// observations and episode statistics, and identical results on one thread and on two.
using Control.Core;
using Control.Core.Envs;

namespace Control.Robots.Tests;

public class VectorEnvTests
{
    [Theory]
    [InlineData("cartpole")]
    [InlineData("pendulum")]
    [InlineData("acrobot")]
    public void MatchesSingleEnvsSteppedByHand(string name)
    {
        const int n = 4;
        var vec = Envs.MakeVector(name, n, seed: 10);
        var singles = Enumerable.Range(0, n).Select(i => Envs.Make(name, 10 + i)).ToArray();
        vec.Reset(seed: 100);
        var obs = singles.Select((e, i) => e.Reset(100 + i)).ToArray();
        for (int i = 0; i < n; i++) Assert.Equal(obs[i], vec.Observations.AsSpan(i * vec.ObservationSize, vec.ObservationSize).ToArray());

        var rng = new Rng(3);
        var actions = new double[n * vec.ActionSize];
        int episodesEnded = 0;
        for (int t = 0; t < 600; t++)
        {
            for (int i = 0; i < n; i++) vec.SingleActionSpace.Sample(rng, actions.AsSpan(i * vec.ActionSize, vec.ActionSize));
            vec.Step(actions);
            for (int i = 0; i < n; i++)
            {
                Transition tr = singles[i].Step(actions.AsSpan(i * vec.ActionSize, vec.ActionSize));
                Assert.Equal(tr.Reward, vec.Rewards[i]);
                Assert.Equal(tr.Terminated, vec.Terminated[i]);
                Assert.Equal(tr.Truncated, vec.Truncated[i]);
                double[] current = vec.Observations.AsSpan(i * vec.ObservationSize, vec.ObservationSize).ToArray();
                if (tr.Done)
                {
                    episodesEnded++;
                    Assert.Equal(tr.Observation, vec.FinalObservations.AsSpan(i * vec.ObservationSize, vec.ObservationSize).ToArray());
                    Assert.Equal(singles[i].Reset(), current);
                }
                else
                {
                    Assert.Equal(tr.Observation, current);
                }
            }
        }
        Assert.True(episodesEnded > 0);
    }

    [Fact]
    public void EpisodeStatisticsOfEndedEpisodes()
    {
        var vec = Envs.MakeVector("pendulum", 3, seed: 0);
        vec.Reset(seed: 0);
        var actions = new double[3];
        double[] sums = new double[3];
        for (int t = 0; t < 200; t++)
        {
            vec.Step(actions);
            for (int i = 0; i < 3; i++) sums[i] += vec.Rewards[i];
        }
        for (int i = 0; i < 3; i++)
        {
            Assert.True(vec.Truncated[i]);
            Assert.Equal(200, vec.EpisodeLengths[i]);
            Assert.Equal(sums[i], vec.EpisodeReturns[i], 9);
        }
    }

    [Fact]
    public void TwoWorkersGiveTheSameResultsAsOne()
    {
        using var one = Envs.MakeVector("cartpole-swingup", 16, seed: 1, new VectorEnvOptions { Workers = 1 });
        using var two = Envs.MakeVector("cartpole-swingup", 16, seed: 1, new VectorEnvOptions { Workers = 2 });
        Assert.Equal(2, two.Workers);
        one.Reset(seed: 7);
        two.Reset(seed: 7);
        var rng = new Rng(2);
        var actions = new double[16];
        for (int t = 0; t < 450; t++)
        {
            rng.FillUniform(actions, -10, 10);
            one.Step(actions);
            two.Step(actions);
            Assert.Equal(one.Observations, two.Observations);
            Assert.Equal(one.Rewards, two.Rewards);
            Assert.Equal(one.Truncated, two.Truncated);
        }
    }

    [Fact]
    public void BadBatchesRaiseTypedErrorsOnEitherPath()
    {
        foreach (int workers in new[] { 1, 2 })
        {
            using var vec = Envs.MakeVector("cartpole", 4, seed: 0, new VectorEnvOptions { Workers = workers });
            vec.Reset(seed: 0);
            var e = Assert.Throws<InvalidActionException>(() => vec.Step(new double[3]));
            Assert.Contains("4 x 1 = 4", e.Message);
            double[] before = vec.Observations.ToArray();
            var e2 = Assert.Throws<InvalidActionException>(() => vec.Step([0, 1, 2, 0]));
            Assert.Contains("cartpole", e2.Message);
            Assert.Equal(before, vec.Observations);
            vec.Step([0, 1, 1, 0]);
            Assert.NotEqual(before, vec.Observations);
        }
    }

    [Fact]
    public void SteppingADisposedBatchFailsInsteadOfWaitingForStoppedThreads()
    {
        var vec = Envs.MakeVector("cartpole", 4, seed: 0, new VectorEnvOptions { Workers = 2 });
        vec.Reset(seed: 0);
        vec.Step(new double[4]);
        vec.Dispose();
        Assert.Throws<ObjectDisposedException>(() => vec.Step(new double[4]));
    }

    [Fact]
    public void MismatchedCopiesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new VectorEnv(i => Envs.Make(i == 0 ? "cartpole" : "pendulum"), 2));
        Assert.Contains("copy 1", e.Message);
    }
}
