// The gain an MPC controller reports for its last action (IFeedbackPolicy, which imitation's feedback labels use): on a
// linear system with a quadratic cost the converged plan's first control is affine in the start state, and the gain
// reported at a replan is its derivative, checked by central differences of fresh controllers' first actions.
using Control.Core.Envs;
using Control.Dynamics;
using Control.Planning.IterativeLqr;
using Control.Planning.Sampling;

namespace Control.Planning.Tests;

public class MpcFeedbackGainTests
{
    // A discretized double integrator with a cross-coupled second input (n = 2, m = 2), bounds far from the actions used.
    private static readonly LinearDynamics System = new([1, 0.1, 0, 1], [0.005, 0.001, 0.1, 0.02], 2, bounds: Box.Uniform(2, -50, 50));
    private static readonly QuadraticCost Cost = new([1, 0, 0, 0.1], [0.01, 0, 0, 0.02], [10, 0, 0, 1]);

    private static MpcController Controller(MpcConfig? config = null) =>
        new(new Ilqr(System, Cost, new IlqrConfig { Horizon = 20, InitialRegularization = 0 }), config);

    private static double[] FirstAction(double[] x)
    {
        var action = new double[2];
        Controller().Act(x, action);
        return action;
    }

    [Fact]
    public void TheGainAtAReplanIsTheDerivativeOfTheFirstControlWithRespectToTheState()
    {
        double[] x = [0.7, -0.3];
        MpcController mpc = Controller();
        var gain = new double[4];
        Assert.False(mpc.LastGain(gain));
        mpc.Act(x, new double[2]);
        Assert.True(mpc.LastGain(gain));

        const double h = 1e-4;
        for (int j = 0; j < 2; j++)
        {
            double[] plus = [.. x], minus = [.. x];
            plus[j] += h;
            minus[j] -= h;
            double[] up = FirstAction(plus), down = FirstAction(minus);
            for (int i = 0; i < 2; i++) Assert.Equal((up[i] - down[i]) / (2 * h), gain[i * 2 + j], 6);
        }
        Assert.Contains(gain, g => Math.Abs(g) > 0.1);
    }

    [Fact]
    public void BetweenReplansTheGainIsTheOneAppliedAndWithoutFeedbackThereIsNone()
    {
        MpcController mpc = Controller(new MpcConfig { ReplanEvery = 3 });
        var gain = new double[4];
        double[] x = [0.7, -0.3];
        mpc.Act(x, new double[2]);
        mpc.Act(x, new double[2]);
        Assert.True(mpc.LastGain(gain));
        Assert.Equal(mpc.LastPlan.Trajectory.Gain(1).ToArray(), gain);

        MpcController open = Controller(new MpcConfig { ReplanEvery = 3, UseFeedback = false });
        open.Act(x, new double[2]);
        Assert.True(open.LastGain(gain));
        open.Act(x, new double[2]);
        Assert.False(open.LastGain(gain));
        open.Reset();
        Assert.False(open.LastGain(gain));

        Assert.Throws<ArgumentException>(() => mpc.LastGain(new double[3]));
    }

    [Fact]
    public void ASamplingPlannerGivesNoGain()
    {
        var mpc = new MpcController(new Cem(System, Cost, new CemConfig { Horizon = 10, Seed = 1 }));
        mpc.Act([0.7, -0.3], new double[2]);
        Assert.False(mpc.LastGain(new double[4]));
    }
}
