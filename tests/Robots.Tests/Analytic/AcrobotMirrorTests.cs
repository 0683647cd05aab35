// The acrobot swing-up's declared mirror symmetry against its own physics and reward: stepping the mirrored state with
// the mirrored torque lands on the mirror of the step, with the same reward, and the observation of a mirrored state is
// the mirrored observation. A sign missing from any coordinate fails these.
using Control.Core;
using Control.Core.Envs;
using Control.Robots.Analytic;

namespace Control.Robots.Tests.Analytic;

public class AcrobotMirrorTests
{
    [Fact]
    public void MirroredStepIsTheMirrorOfTheStepWithTheSameReward()
    {
        var env = new AcrobotSwingUpEnv(seed: 3);
        IMirrorSymmetricEnv mirror = env;
        double[] observation = new double[6], mirroredObservation = new double[6], expected = new double[6];
        double[] next = new double[4], mirroredNext = new double[4], imageOfNext = new double[4], gx = new double[4], ggx = new double[4], gu = new double[1];
        env.Reset(observation, 3);
        var rng = new Rng(11);
        for (int trial = 0; trial < 50; trial++)
        {
            // Anywhere the swing-up goes: angles over more than a turn, rates up to the clip, torques across the bounds.
            double[] x = [rng.Uniform(-7, 7), rng.Uniform(-7, 7), rng.Uniform(-12, 12), rng.Uniform(-25, 25)];
            double[] u = [rng.Uniform(-4, 4)];
            mirror.MirrorState(x, gx);
            mirror.MirrorState(gx, ggx);
            Assert.Equal(x, ggx);
            mirror.MirrorAction(u, gu);

            env.SetState(x);
            double reward = env.Step(u, observation).Reward;
            env.GetState(next);
            env.SetState(gx);
            double mirroredReward = env.Step(gu, mirroredObservation).Reward;
            env.GetState(mirroredNext);

            mirror.MirrorState(next, imageOfNext);
            for (int i = 0; i < 4; i++)
                Assert.True(Math.Abs(mirroredNext[i] - imageOfNext[i]) < 1e-12 * (1 + Math.Abs(next[i])), $"coordinate {i}: {mirroredNext[i]:R} against {imageOfNext[i]:R} from [{string.Join(", ", x)}], u {u[0]}");
            Assert.Equal(reward, mirroredReward, 12);
            mirror.MirrorObservation(observation, expected);
            for (int i = 0; i < 6; i++) Assert.Equal(expected[i], mirroredObservation[i], 12);
        }
    }

    [Fact]
    public void TheMirrorOfAnObservationIsTheObservationOfTheMirroredState()
    {
        var env = new AcrobotSwingUpEnv();
        double[] x = [0.3, -2.1, 1.5, -4.0], gx = new double[4], o = new double[6], go = new double[6], ogx = new double[6];
        env.MirrorState(x, gx);
        env.Observe(x, o);
        env.Observe(gx, ogx);
        env.MirrorObservation(o, go);
        Assert.Equal(ogx, go);
        Assert.Equal([-0.3, 2.1, -1.5, 4.0], gx);
    }
}
