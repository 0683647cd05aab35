using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Planning.IterativeLqr;
using Control.Robots;
using Xunit.Abstractions;

namespace Control.Planning.Tests;

public class IlqrMpcTests(ITestOutputHelper output)
{
    public static IlqrConfig ConfigFor(string env) => env switch
    {
        "pendulum" => new IlqrConfig { Horizon = 40, MaxIterations = 20 },
        "cartpole-swingup" => new IlqrConfig { Horizon = 30, MaxIterations = 20 },
        "acrobot-swingup" => new IlqrConfig { Horizon = 100, MaxIterations = 20 },
        "quadrotor2d" => new IlqrConfig { Horizon = 50, MaxIterations = 20 },
        "reacher2d" => new IlqrConfig { Horizon = 30, MaxIterations = 20 },
        _ => new IlqrConfig(),
    };

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
            var planner = new Ilqr(model.Dynamics, model.Cost, ConfigFor(name));
            var mpc = new MpcController(planner);
            ClosedLoopResult result = ClosedLoop.Run(env, mpc, seed);
            output.WriteLine($"{name} seed {seed}: success {result.Success}, return {result.Return:F2}, steps {result.Steps}, mean iters {mpc.ReplanIterations.Average():F2}, final [{string.Join(", ", result.FinalState.Select(v => v.ToString("F3")))}]");
            Assert.True(result.Success, $"{name} seed {seed}");
        }
    }
}
