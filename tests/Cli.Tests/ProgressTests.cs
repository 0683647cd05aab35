// The live progress: a training run tells its IRunProgress how far it is with its key figures; the Spectre view
// draws them; and output that is not a terminal (every test's, a log's, a pipe's) gets the plain lines it always got.
using System.CommandLine;
using Control.Cli.Commands;
using Control.Experiments;
using Spectre.Console;

namespace Control.Cli.Tests;

public class ProgressTests
{
    [Fact]
    public void ATrainingRunReportsItsStepsAndFigures()
    {
        var recorder = new RecordingProgress();
        TrainRun.Run(new TrainRequest("cartpole", "reinforce", 1000, 2), live: recorder);
        Assert.NotEmpty(recorder.Calls);
        Assert.All(recorder.Calls, c => Assert.Equal(("reinforce on cartpole", 1000.0), (c.Stage, c.Total)));
        Assert.True(recorder.Calls.Zip(recorder.Calls.Skip(1)).All(p => p.First.Done < p.Second.Done), "env steps grow");
        Assert.True(recorder.Calls[^1].Done >= 1000);
        Assert.Equal(["return", "loss", "steps/s"], recorder.Calls[^1].Figures.Select(f => f.Name));
        Assert.True(recorder.Calls[^1].Figures[2].Value > 0);
    }

    [Fact]
    public void TheBarTextShowsEachFigureAndADashWhileUnknown()
        => Assert.Equal("ppo on pendulum  return -150.2  loss -  steps/s 2500",
            SpectreRunProgress.Describe("ppo on pendulum", [new("return", -150.24, "F1"), new("loss", double.NaN), new("steps/s", 2500.4, "F0")]));

    [Fact]
    public void TheBarIsDrawnOnAnInteractiveConsole()
    {
        var text = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
        });
        console.Progress().AutoClear(false).Columns(SpectreRunProgress.Columns).Start(ctx =>
        {
            var progress = new SpectreRunProgress(ctx);
            progress.Report("ppo on pendulum", 500, 1000, [new("return", -150.24, "F1")]);
            progress.Report("ppo on pendulum", 1000, 1000, [new("return", -120.5, "F1")]);
        });
        string output = text.ToString();
        Assert.Contains("ppo on pendulum  return -120.5", output);
        Assert.Contains("100%", output);
    }

    [Fact]
    public void RedirectedOutputKeepsThePlainProgressLines()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(["train", "--env", "cartpole", "--algo", "reinforce", "--steps", "1000", "--seed", "2"], output, error);
        Assert.True(code == 0, error.ToString());
        string text = output.ToString();
        Assert.Contains("reinforce cartpole [", text);
        Assert.DoesNotContain("\u001b[", text);
        Assert.Contains("steps/s (training)", text);
    }

    [Fact]
    public void ForcedProgressReplacesTheLinesWithTheBar()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = 200;
        var context = new CommandContext(output, new StringWriter()) { ForceProgress = true, Console = console };
        var root = new RootCommand { TrainCommand.CreateTrain(context) };
        int code = root.Parse(["train", "--env", "cartpole", "--algo", "reinforce", "--steps", "1000", "--seed", "2"]).Invoke();
        Assert.Equal(0, code);
        string text = output.ToString();
        Assert.DoesNotContain("reinforce cartpole [", text);
        Assert.Contains("reinforce on cartpole  return", text);
        Assert.Contains("100%", text);
    }
}
