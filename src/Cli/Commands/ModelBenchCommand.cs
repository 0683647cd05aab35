// `control bench models`: the options of the learned-model training bench (bench/Control.Bench.Runs, ModelBench)
// and its table.
using System.CommandLine;
using System.Globalization;
using Control.Bench.Runs;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control bench models`.</summary>
public static class ModelBenchCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the timed fit on each side (after an untimed 1-epoch warm-up fit).", DefaultValueFactory = _ => 5 };
        var command = new Command("models", "Probabilistic ensemble training throughput, Control against PyTorch, one and two threads.") { json, epochs };
        command.SetAction(parse => context.Guard(() => Execute(context, parse.GetValue(json), parse.GetValue(epochs))));
        return command;
    }

    private static int Execute(CommandContext context, bool json, int epochs)
    {
        ModelBenchReport report = context.WithProgress(json, bars => ModelBench.Run(epochs, json || bars is not null ? null : r => context.Error.WriteLine(
            $"{r.Threads} thread(s): Control {r.ControlTransitionsPerSecond:F0}/s, PyTorch {r.TorchTransitionsPerSecond?.ToString("F0", CultureInfo.InvariantCulture) ?? "-"}/s"), bars));
        if (json)
        {
            context.WriteJson(report);
            return 0;
        }
        string F(double? v, string f) => v?.ToString(f, CultureInfo.InvariantCulture) ?? "-";
        var table = new Table().AddColumns("threads", "epochs", "Control (transitions/s)", "PyTorch (transitions/s)", "Control / PyTorch", "final loss (Control, PyTorch)");
        foreach (ModelBenchRow r in report.Rows)
        {
            table.AddRow(r.Threads.ToString(CultureInfo.InvariantCulture), r.Epochs.ToString(CultureInfo.InvariantCulture),
                F(r.ControlTransitionsPerSecond, "F0"), F(r.TorchTransitionsPerSecond, "F0"), F(r.Ratio, "F2") + "x",
                $"{F(r.ControlFinalLoss, "F3")}, {F(r.TorchFinalLoss, "F3")}");
        }
        context.Console.Write(table);
        context.Output.WriteLine(report.Torch is null ? $"PyTorch unavailable: {report.TorchError}" : $"PyTorch {report.Torch} (/usr/bin/python3)");
        return 0;
    }
}
