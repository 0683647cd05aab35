// CEM and MPPI under receding-horizon control, with their default settings, on the targets: swing the
// pendulum up and hold it, and swing the cart-pole's pole up and balance it. Success: the pole angle stays
// within 0.25 rad of upright over the last second of the episode (angle 0 is upright in both envs).
using Control.Dynamics;
using Control.Planning.Sampling;
using Control.Robots;

namespace Control.Planning.Tests;

public class SamplingMpcTests
{
    private const double UprightTolerance = 0.25;

    // Runs one full episode of env `name` under MPC and returns the largest |angle| over its last second.
    private static double WorstAngleOverLastSecond(string name, long seed, Func<IDynamics, ICost, IPlanner> makePlanner, int angleIndex)
    {
        IEnv env = Envs.Make(name, seed);
        IModelEnv model = env.Find<IModelEnv>()!;
        var controller = new MpcController(makePlanner(model.Dynamics, model.Cost));
        var observation = new double[env.ObservationSpace.FlatSize];
        var state = new double[model.StateSize];
        var action = new double[model.Dynamics.ControlSize];
        env.Reset(observation, seed);
        var angles = new List<double>();
        bool done = false;
        while (!done)
        {
            model.GetState(state);
            controller.Act(state, action);
            done = env.Step(action, observation).Done;
            model.GetState(state);
            Assert.All(state, s => Assert.True(double.IsFinite(s)));
            angles.Add(Math.Abs(Math.IEEERemainder(state[angleIndex], 2 * Math.PI)));
        }
        int hold = (int)Math.Ceiling(GoalChecks.HoldSeconds / model.Dynamics.TimeStep);
        Assert.Equal(Envs.Spec(name).Horizon, angles.Count);
        return angles.Skip(angles.Count - hold).Max();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void CemMpcSwingsUpThePendulum(long seed)
    {
        double worst = WorstAngleOverLastSecond("pendulum", seed, (d, c) => new Cem(d, c, new CemConfig { Seed = seed }), angleIndex: 0);
        Assert.InRange(worst, 0, UprightTolerance);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void MppiMpcSwingsUpThePendulum(long seed)
    {
        double worst = WorstAngleOverLastSecond("pendulum", seed, (d, c) => new Mppi(d, c, new MppiConfig { Seed = seed }), angleIndex: 0);
        Assert.InRange(worst, 0, UprightTolerance);
    }

    [Fact]
    public void CemMpcSwingsUpTheCartPole()
    {
        double worst = WorstAngleOverLastSecond("cartpole-swingup", 0, (d, c) => new Cem(d, c), angleIndex: 2);
        Assert.InRange(worst, 0, UprightTolerance);
    }

    [Fact]
    public void MppiMpcSwingsUpTheCartPole()
    {
        double worst = WorstAngleOverLastSecond("cartpole-swingup", 0, (d, c) => new Mppi(d, c), angleIndex: 2);
        Assert.InRange(worst, 0, UprightTolerance);
    }
}
