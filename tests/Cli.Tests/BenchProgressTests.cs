// The live progress of the benches and of the export's parity check: each run, on a tiny budget, tells a recording
// IRunProgress of every stage's count growing to its total (the SAC and tensor benches report the same way, but take
// 20-30 s even on their smallest budgets, so they are not run here); through the command, a forced terminal draws the bar
// while --json and redirected output (every test's, a log's, a pipe's) get exactly their plain text.
using System.CommandLine;
using System.Text.Json;
using Control.Bench.Runs;
using Control.Cli.Commands;
using Control.Experiments;
using Spectre.Console;

namespace Control.Cli.Tests;

public class BenchProgressTests
{
    [Fact]
    public void ThePpoBenchCountsItsEnvSteps()
    {
        var recorder = new RecordingProgress();
        PpoBench.Run(2048, 2048, 1024, recorder);
        recorder.AssertMonotoneToCompletion();
        Assert.Equal(2048 + 2048 + 1024, recorder.Calls[^1].Total);
        Assert.True(recorder.Calls.Count > 2, "a report per iteration");
    }

    [Fact]
    public void TheDeployBenchCountsItsCalls()
    {
        var recorder = new RecordingProgress();
        DeployBench.Run(100, recorder);
        recorder.AssertMonotoneToCompletion();
        Assert.Equal(2.0 * 100 * DeployBench.Sizes.Length * DeployBench.Batches.Length, recorder.Calls[^1].Total);
    }

    [Fact]
    public void ThePlannerBenchCountsEpisodesAndSolvesInThreeStages()
    {
        var recorder = new RecordingProgress();
        PlannerBench.Run(1, ["lqr"], ["pendulum"], live: recorder);
        recorder.AssertMonotoneToCompletion();
        Assert.Equal(3, recorder.Calls.Select(c => c.Stage).Distinct().Count());
    }

    [Fact]
    public void TheMuJoCoBenchCountsItsAlternatingRuns()
    {
        var recorder = new RecordingProgress();
        MuJoCoBench.Run(0.01, ["mj-cartpole-swingup"], live: recorder);
        recorder.AssertMonotoneToCompletion();
        Assert.Equal(4 * MuJoCoBench.Repeats, recorder.Calls[^1].Total);
    }

    [Fact]
    public void TheSoakCountsTheSecondsOfItsThreePhases()
    {
        var recorder = new RecordingProgress();
        SoakBench.Run(0.02, 0.1, live: recorder);
        recorder.AssertMonotoneToCompletion();
        Assert.Equal(3 * 0.02 * 60, recorder.Calls[^1].Total, 9);
    }

    [Fact]
    public void TheExportCountsItsParityObservations()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"control-export-progress-{Guid.NewGuid():N}");
        try
        {
            TrainReport trained = TrainRun.Run(new TrainRequest("cartpole", "reinforce", 1000, 2) { OutputDirectory = directory });
            var recorder = new RecordingProgress();
            ExportRun.Run(new ExportRequest(trained.Checkpoint!, Path.Combine(directory, "policy.onnx")) { ParityObservations = 1200 }, recorder);
            recorder.AssertMonotoneToCompletion();
            Assert.Equal([500.0, 1000, 1200], recorder.Calls.Select(c => c.Done));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ATerminalDrawsTheBenchsBar()
    {
        (int code, string text) = RunBench(forceProgress: true, "bench", "deploy", "--calls", "100");
        Assert.Equal(0, code);
        Assert.Contains("deploy latency (calls per runtime)", text);
        Assert.Contains("100%", text);
    }

    [Fact]
    public void JsonGetsNoBarEvenOnATerminal()
    {
        (int code, string text) = RunBench(forceProgress: true, "bench", "deploy", "--calls", "100", "--json");
        Assert.Equal(0, code);
        Assert.DoesNotContain("deploy latency (calls per runtime)", text);
        JsonDocument.Parse(text);
    }

    [Fact]
    public void RedirectedOutputGetsNoBar()
    {
        (int code, string text) = RunBench(forceProgress: false, "bench", "deploy", "--calls", "100");
        Assert.Equal(0, code);
        Assert.DoesNotContain("deploy latency (calls per runtime)", text);
        Assert.DoesNotContain("\u001b[", text);
        Assert.Contains("p50 (us)", text);
    }

    // `control bench ...` on an interactive console (as a terminal is) with the bars forced, or on plain redirected text.
    private static (int Code, string Output) RunBench(bool forceProgress, params string[] args)
    {
        var output = new StringWriter();
        CommandContext context = new(output, new StringWriter());
        if (forceProgress)
        {
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
            });
            console.Profile.Width = 200;
            context = new CommandContext(output, new StringWriter()) { ForceProgress = true, Console = console };
        }
        var root = new RootCommand { BenchCommand.Create(context) };
        int code = root.Parse(args).Invoke();
        return (code, output.ToString());
    }
}
