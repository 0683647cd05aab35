// One MPC episode as a library call: the documented iLQR configuration swings up the cart-pole, and bad requests say
// what was expected.
namespace Control.Experiments.Tests;

public class PlanRunTests
{
    [Fact]
    public void IlqrSwingsUpTheCartPole()
    {
        PlanReport report = PlanRun.Run(new PlanRequest("cartpole-swingup", "ilqr", 2));
        Assert.True(report.Success);
        Assert.Equal(30, report.Horizon);
        Assert.True(double.IsFinite(report.ReplanMsMean) && double.IsFinite(report.WarmIterationsMean));
    }

    [Fact]
    public void AGivenHorizonAndStepCountAreUsed()
    {
        PlanReport report = PlanRun.Run(new PlanRequest("pendulum", "lqr", 1) { Horizon = 12, Steps = 5 });
        Assert.Equal((12, 5), (report.Horizon, report.Steps));
    }

    [Theory]
    [InlineData("cartpole", "ilqr", "continuous actions")]
    [InlineData("pendulum", "magic", "unknown planner 'magic'")]
    public void BadRequestsSayWhatWasExpected(string env, string planner, string message)
        => Assert.Contains(message, Assert.Throws<ArgumentException>(() => PlanRun.Run(new PlanRequest(env, planner, 0))).Message);
}
