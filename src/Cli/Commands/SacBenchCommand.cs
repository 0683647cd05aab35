// `control bench sac`: SAC gradient updates per second, Control against PyTorch (bench/Control.Bench.Runs, SacBench).
using System.CommandLine;
using System.Globalization;
using Control.Bench.Runs;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control bench sac`.</summary>
public static class SacBenchCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var updates = new Option<int>("--updates") { Description = "Timed updates for Control (PyTorch: a quarter, at least 200, about 10 s at the default).", DefaultValueFactory = _ => 2000 };
        var command = new Command("sac", "SAC gradient updates per second (twin critics and actor 256-256, batch 256), Control against PyTorch, one thread each.") { json, updates };
        command.SetAction(parse => context.Guard(() =>
        {
            SacBenchReport report = context.WithProgress(parse.GetValue(json), bars => SacBench.Run(parse.GetValue(updates), bars));
            if (parse.GetValue(json))
            {
                context.WriteJson(report);
                return 0;
            }
            var table = new Table().AddColumns("engine", "updates/s (1 thread)");
            table.AddRow("Control", F(report.ControlUpdatesPerSecond));
            table.AddRow($"PyTorch {report.Torch ?? "(unavailable)"}", report.TorchUpdatesPerSecond is double t ? F(t) : "-");
            context.Console.Write(table);
            context.Output.WriteLine(report.Ratio is double r ? string.Create(CultureInfo.InvariantCulture, $"Control / PyTorch: {r:F1}x (CPU {report.Cpu})") : $"PyTorch unavailable: {report.TorchError}");
            return 0;
        }));
        return command;
    }

    private static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
}
