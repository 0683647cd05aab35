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
