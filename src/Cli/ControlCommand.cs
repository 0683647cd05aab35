// The `control` command: its subcommands, shared options and error handling. Each subcommand lives in
// Commands/; they write to the given writers so that tests run them in-process.
using System.CommandLine;
using System.Text.Json;
using Control.Cli.Commands;
using Control.Experiments;
using Control.Robots.MuJoCo;

namespace Control.Cli;

/// <summary>Builds and runs the command line.</summary>
public static class ControlCommand
{
    /// <summary>JSON settings for every --json output: one object, one line, property names in snake_case.</summary>
    public static JsonSerializerOptions Json => ExperimentJson.Options;

    /// <summary>Parses <paramref name="args"/> and runs the chosen subcommand; returns the exit code (0 ok, 1 usage, 2 bad input).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        MuJoCoEnvs.Register();
        var root = new RootCommand("Control: model-based control and robot learning for .NET.");
        var context = new CommandContext(output, error);
        root.Subcommands.Add(EnvsCommand.Create(context));
        root.Subcommands.Add(RolloutCommand.Create(context));
        root.Subcommands.Add(PlanCommand.Create(context));
        root.Subcommands.Add(MbrlCommand.Create(context));
        root.Subcommands.Add(TrainCommand.CreateTrain(context));
        root.Subcommands.Add(TrainCommand.CreateEval(context));
        root.Subcommands.Add(PresetsCommand.Create(context));
        root.Subcommands.Add(DistillCommand.Create(context));
        root.Subcommands.Add(CollectCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(BenchCommand.Create(context));
        root.Subcommands.Add(PlotCommand.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        ParseResult parsed = root.Parse(args);
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}
