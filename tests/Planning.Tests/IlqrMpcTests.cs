// iLQR-MPC with the planner registry's preset for each robot (what `control plan` and the planner bench run).
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Planning.Registry;
using Control.Robots;
using Xunit.Abstractions;

namespace Control.Planning.Tests;

public class IlqrMpcTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("pendulum")]
    [InlineData("cartpole-swingup")]
    [InlineData("acrobot-swingup")]
    [InlineData("quadrotor2d")]
    [InlineData("reacher2d")]
    public void IlqrMpcReachesTheGoal(string name)
    {
        for (int seed = 1; seed <= 2; seed++)
        {
            IEnv env = Envs.Make(name, seed);
            IModelEnv model = env.Find<IModelEnv>()!;
            var mpc = new MpcController(Planners.Create("ilqr", name, model, horizon: null, seed));
            ClosedLoopResult result = ClosedLoop.Run(env, mpc, seed);
            output.WriteLine($"{name} seed {seed}: success {result.Success}, return {result.Return:F2}, steps {result.Steps}, mean iters {mpc.ReplanIterations.Average():F2}, final [{string.Join(", ", result.FinalState.Select(v => v.ToString("F3")))}]");
            Assert.True(result.Success, $"{name} seed {seed}");
        }
    }
}

public class MpcStatisticsTests
{
    [Fact]
    public void AControllerKeepsTheStatisticsOfARecentWindowOnlyAndCountsEveryReplan()
    {
        IEnv env = Envs.Make("pendulum", 1);
        IModelEnv model = env.Find<IModelEnv>()!;
        var mpc = new MpcController(Planners.Create("ilqr", "pendulum", model, horizon: 10, 1), new MpcConfig { StatisticsWindow = 4 });
        var observation = new double[env.ObservationSpace.FlatSize];
        var state = new double[model.StateSize];
        var action = new double[1];
        var iterations = new List<int>();
        env.Reset(observation, 1);
        for (int step = 0; step < 25; step++)
        {
            model.GetState(state);
            mpc.Act(state, action);
            iterations.Add(mpc.LastPlan.Iterations);
            Assert.InRange(mpc.ReplanSeconds.Count, 1, 7);
            env.Step(action, observation);
        }
        Assert.Equal(25, mpc.ReplanCount);
        Assert.Equal(mpc.ReplanSeconds.Count, mpc.ReplanIterations.Count);
        Assert.True(mpc.ReplanIterations.Count >= 4);
        Assert.Equal(iterations.TakeLast(mpc.ReplanIterations.Count), mpc.ReplanIterations);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MpcController(mpc.Planner, new MpcConfig { StatisticsWindow = 0 }));
        mpc.ClearStatistics();
        Assert.Equal((0, 0L), (mpc.ReplanSeconds.Count, mpc.ReplanCount));
    }
}
