// Each declared mirror symmetry against the env's own physics and reward: stepping the mirrored state with the mirrored
// action lands on the mirror of the step, with the same reward, and the observation of a mirrored state is the mirrored
// observation. A sign missing from any coordinate fails these.
using Control.Core;
using Control.Core.Envs;

namespace Control.Robots.Tests.Analytic;

public class MirrorSymmetryTests
{
    // Anywhere the task goes: angles over more than a turn, rates and positions across their range.
    public static TheoryData<string, double[]> Envs => new()
    {
        { "acrobot-swingup", [7, 7, 12, 25] },
        { "pendulum", [7, 8] },
        { "cartpole-swingup", [3, 5, 7, 10] },
    };

    [Theory]
    [MemberData(nameof(Envs))]
    public void MirroredStepIsTheMirrorOfTheStepWithTheSameReward(string name, double[] range)
    {
        IEnv env = Robots.Envs.Make(name, 3);
        IMirrorSymmetricEnv mirror = env.Find<IMirrorSymmetricEnv>()!;
        var box = (Box)env.ActionSpace;
        int n = mirror.StateSize, o = env.ObservationSpace.FlatSize, a = box.FlatSize;
        double[] observation = new double[o], mirroredObservation = new double[o], expected = new double[o];
        double[] next = new double[n], mirroredNext = new double[n], imageOfNext = new double[n], gx = new double[n], ggx = new double[n];
        double[] u = new double[a], gu = new double[a];
        env.Reset(observation, 3);
        var rng = new Rng(11);
        for (int trial = 0; trial < 50; trial++)
        {
            double[] x = [.. range.Select(r => rng.Uniform(-r, r))];
            for (int i = 0; i < a; i++) u[i] = rng.Uniform(box.Low[i], box.High[i]);
            mirror.MirrorState(x, gx);
            mirror.MirrorState(gx, ggx);
            Assert.Equal(x, ggx);
            mirror.MirrorAction(u, gu);

            mirror.SetState(x);
            double reward = env.Step(u, observation).Reward;
            mirror.GetState(next);
            mirror.SetState(gx);
            double mirroredReward = env.Step(gu, mirroredObservation).Reward;
            mirror.GetState(mirroredNext);

            mirror.MirrorState(next, imageOfNext);
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs(mirroredNext[i] - imageOfNext[i]) < 1e-12 * (1 + Math.Abs(next[i])), $"{name}, coordinate {i}: {mirroredNext[i]:R} against {imageOfNext[i]:R} from [{string.Join(", ", x)}], u [{string.Join(", ", u)}]");
            Assert.Equal(reward, mirroredReward, 12);
            mirror.MirrorObservation(observation, expected);
            for (int i = 0; i < o; i++) Assert.Equal(expected[i], mirroredObservation[i], 12);
        }
    }

    [Theory]
    [MemberData(nameof(Envs))]
    public void TheMirrorOfAnObservationIsTheObservationOfTheMirroredState(string name, double[] range)
    {
        IMirrorSymmetricEnv mirror = Robots.Envs.Make(name).Find<IMirrorSymmetricEnv>()!;
        int o = mirror.ObservationSpace.FlatSize;
        double[] x = [.. range.Select((r, i) => (i % 2 == 0 ? 0.3 : -0.7) * r)], gx = new double[x.Length];
        double[] obs = new double[o], image = new double[o], ofImage = new double[o];
        mirror.MirrorState(x, gx);
        Assert.Equal(x.Select(v => -v), gx);
        mirror.Observe(x, obs);
        mirror.Observe(gx, ofImage);
        mirror.MirrorObservation(obs, image);
        for (int i = 0; i < o; i++) Assert.Equal(ofImage[i], image[i], 14);
    }

    [Fact]
    public void EnvsWithoutASymmetryDeclareNone()
    {
        Assert.Null(Robots.Envs.Make("double-integrator").Find<IMirrorSymmetricEnv>());
        Assert.NotNull(Robots.Envs.Make("pendulum").Find<IMirrorSymmetricEnv>());
    }
}
