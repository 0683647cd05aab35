// `control plot` in-process on hand-written run directories: the files are real PNGs and SVGs of the expected size
// with their titles, the PNG is not blank, and bad input is one line, exit code 2 and no file.
namespace Control.Cli.Tests;

public sealed class PlotTests : RunFilesTests
{
    [Fact]
    public void SeveralSeedsGiveOneLearningCurvePngWithItsBand()
    {
        string a = Runs.Training("seed0", 0), b = Runs.Training("seed1", 1), c = Runs.Training("seed2", 2);
        string png = Path.Combine(Runs.Root, "curve.png");
        (int code, string output, string error) = Run("plot", a, b, c, "--out", png);
        Assert.True(code == 0, error);
        Assert.Contains("1 panel(s), 800 x 360 pixels", output);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal((800, 360), Images.PngSize(bytes));
        Assert.True(Images.LuminanceVariance(bytes) > 100, "the plot is blank");
    }

    [Fact]
    public void TheSvgHoldsTheTitlesAndTheAxisLabels()
    {
        string a = Runs.Training("seed0", 0), b = Runs.Training("seed1", 1);
        string svg = Path.Combine(Runs.Root, "curve.svg");
        (int code, _, string error) = Run("plot", a, b, "--out", svg);
        Assert.True(code == 0, error);
        string text = File.ReadAllText(svg);
        Assert.StartsWith("<?xml", text);
        Assert.Contains("width=\"800\" height=\"360\"", text);
        Assert.Contains("Learning curve (rollout/episode_return): mean and min-max of 2 runs", text);
        Assert.Contains("env steps", text);
        Assert.Contains("episode return (sum of rewards)", text);
    }

    [Fact]
    public void ModelBasedTrajectoryAndTickRunsGiveTheirPanels()
    {
        string mbrl = Runs.ModelBased("mbrl"), plan = Runs.Trajectory("plan"), ticks = Runs.Ticks("run");
        string svg = Path.Combine(Runs.Root, "all.svg");
        (int code, string output, string error) = Run("plot", mbrl, plan, ticks, "--out", svg);
        Assert.True(code == 0, error);
        Assert.Contains("6 panel(s), 800 x 2160 pixels", output);
        string text = File.ReadAllText(svg);
        foreach (string title in new[] { "Model-based iterations: holdout loss", "open-loop multi-step prediction error", "Executed trajectory: states",
            "Executed trajectory: controls", "Control-loop tick time: 500 ticks", "time (s)", "tick work time (us)", "real env steps" })
        {
            Assert.Contains(title, text);
        }
        string png = Path.Combine(Runs.Root, "plan.png");
        Assert.Equal(0, Run("plot", plan, "--out", png).Code);
        Assert.Equal((800, 720), Images.PngSize(File.ReadAllBytes(png)));
    }

    [Fact]
    public void TheDefaultOutputIsPlotPngInTheFirstDirectory()
    {
        string a = Runs.Training("seed0", 0);
        Assert.Equal(0, Run("plot", a).Code);
        Assert.Equal((800, 360), Images.PngSize(File.ReadAllBytes(Path.Combine(a, "plot.png"))));
    }

    [Fact]
    public void AFolderWithoutMetricsIsRefused()
    {
        string empty = Runs.Dir("empty");
        string png = Path.Combine(Runs.Root, "x.png");
        AssertRefused(Run("plot", empty, "--out", png), png, "expected a run directory with metrics.csv");
        AssertRefused(Run("plot", Path.Combine(Runs.Root, "missing"), "--out", png), png, "does not exist");
    }

    [Fact]
    public void ACsvWithAMissingColumnIsRefusedByName()
    {
        string noReturn = Runs.Write("noreturn", "metrics.csv", "iteration,env_steps,time_s,train/loss\n1,100,0.1,0.5\n");
        string png = Path.Combine(Runs.Root, "x.png");
        AssertRefused(Run("plot", noReturn, "--out", png), png, "expected a return column (rollout/episode_return, eval/return, eval/policy_return)");
        string noTime = Runs.Write("notime", "trajectory.csv", "x0,u0\n1,2\n");
        AssertRefused(Run("plot", noTime, "--out", png), png, "expected a column 'time_s', the header has x0, u0");
        string ragged = Runs.Write("ragged", "ticks.csv", "tick,busy_us\n0,12\n1\n");
        AssertRefused(Run("plot", ragged, "--out", png), png, "line 3: expected 2 cells as in the header, got 1");
        string text = Runs.Write("text", "mbrl.csv", "env_steps,holdout_loss,multi_step_error,episode_return\n200,low,1,1\n");
        AssertRefused(Run("plot", text, "--out", png), png, "expected a number in column 'holdout_loss', got 'low'");
    }

    [Fact]
    public void AnOutputThatIsNeitherPngNorSvgIsRefused()
    {
        string a = Runs.Training("seed0", 0);
        string pdf = Path.Combine(Runs.Root, "x.pdf");
        AssertRefused(Run("plot", a, "--out", pdf), pdf, "expected a file ending in .png or .svg");
    }

    // One line on stderr naming the problem, exit code 2, and no file (nor a temporary one) left behind.
    private void AssertRefused((int Code, string Output, string Error) result, string path, string message)
    {
        Assert.Equal(2, result.Code);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Runs.Root, "*.tmp", SearchOption.AllDirectories));
    }
}
