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
        Assert.True(report.ReplanMsMean is double mean && double.IsFinite(mean) && report.IterationsMean is double iterations && double.IsFinite(iterations));
        Assert.True(report.ReplanMsP50 <= report.ReplanMsP95 && report.ReplanMsP95 <= report.ReplanMsP99);
        Assert.True(double.IsFinite(report.ColdReplanMs) && report.ColdIterations >= 1);
    }

    [Fact]
    public void TheOutputDirectoryGetsTheTrajectoryAndTheReplans()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"plan-out-{Guid.NewGuid():N}");
        try
        {
            PlanReport report = PlanRun.Run(new PlanRequest("pendulum", "lqr", 1) { Horizon = 12, Steps = 5, OutputDirectory = directory });
            var trajectory = Artifacts.CsvTable.Load(Path.Combine(directory, Artifacts.RunFiles.Trajectory));
            Assert.Equal(["time_s", "x0", "x1", "u0", "reward"], trajectory.Names);
            Assert.Equal(5, trajectory.Rows);
            Assert.Equal(report.Trajectory, Path.GetFullPath(Path.Combine(directory, Artifacts.RunFiles.Trajectory)));
            Assert.Equal(5, Artifacts.CsvTable.Load(Path.Combine(directory, Artifacts.RunFiles.Replans)).Rows);
            Assert.Equal(report.Return, trajectory.Column("reward").Sum(), 9);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void OneStepHasNoWarmReplans()
    {
        PlanReport report = PlanRun.Run(new PlanRequest("pendulum", "lqr", 1) { Horizon = 12, Steps = 1 });
        Assert.Null(report.ReplanMsMean);
        Assert.Null(report.ReplansPerSecond);
        Assert.True(report.ColdReplanMs > 0);
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
