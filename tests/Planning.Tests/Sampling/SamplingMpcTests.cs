// CEM and MPPI under receding-horizon control, with their default settings, on the issue's targets: swing the
// pendulum up and hold it still, and swing the cart-pole's pole up and balance it still. Success is the env's own
// goal region (upright and still, cart near the origin; see each env's AtGoal) at every step of the last second.
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Core.Models;
using Control.Planning.Sampling;
using Control.Robots;
using Xunit.Abstractions;

namespace Control.Planning.Tests.Sampling;

public class SamplingMpcTests(ITestOutputHelper output)
{
    private void AssertReachesAndHoldsTheGoal(string name, long seed, Func<IDynamics, ICost, IPlanner> makePlanner)
    {
        IEnv env = Envs.Make(name, seed);
        IModelEnv model = env.Find<IModelEnv>()!;
        var mpc = new MpcController(makePlanner(model.Dynamics, model.Cost));
        ClosedLoopResult result = ClosedLoop.Run(env, mpc, seed);
        output.WriteLine($"{name} seed {seed}: success {result.Success}, return {result.Return:F2}, final [{string.Join(", ", result.FinalState.Select(v => v.ToString("F3")))}]");
        Assert.Equal(Envs.Spec(name).Horizon, result.Steps);
        Assert.All(result.FinalState, s => Assert.True(double.IsFinite(s)));
        Assert.True(result.Success, $"{name} seed {seed}: not upright and still over the last second");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void CemMpcSwingsUpAndHoldsThePendulum(long seed)
        => AssertReachesAndHoldsTheGoal("pendulum", seed, (d, c) => new Cem(d, c, new CemConfig { Seed = seed }));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void MppiMpcSwingsUpAndHoldsThePendulum(long seed)
        => AssertReachesAndHoldsTheGoal("pendulum", seed, (d, c) => new Mppi(d, c, new MppiConfig { Seed = seed }));

    [Fact]
    public void CemMpcSwingsUpAndBalancesTheCartPole()
        => AssertReachesAndHoldsTheGoal("cartpole-swingup", 1, (d, c) => new Cem(d, c, new CemConfig { Seed = 1 }));

    [Fact]
    public void MppiMpcSwingsUpAndBalancesTheCartPole()
        => AssertReachesAndHoldsTheGoal("cartpole-swingup", 1, (d, c) => new Mppi(d, c, new MppiConfig { Seed = 1 }));
}
