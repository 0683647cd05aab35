// `control bench`: speed figures measured side by side with the peer a user would otherwise pick; each suite runs
// in bench/Control.Bench.Runs, under a live progress bar on a terminal (CommandContext.WithProgress: none with --json
// or when the output is redirected). `control bench tensors` (TensorBench) is here; `control bench models`, `planners`,
// `ppo`, `deploy`, `sac` and `mujoco` have their own files.
using System.CommandLine;
using System.Globalization;
using Control.Bench.Runs;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>The bench command and its suites.</summary>
public static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per figure (split in 5 repeats; the median is reported).", DefaultValueFactory = _ => 0.5 };
        var tensors = new Command("tensors", "MLP training step and inference, Control against PyTorch, one and two threads.") { json, seconds };
        tensors.SetAction(parse => context.Guard(() => Tensors(context, parse.GetValue(json), parse.GetValue(seconds))));
        return new Command("bench", "Speed figures, side by side with the peer.")
        {
            tensors, ModelBenchCommand.Create(context), PlannerBenchCommand.Create(context), PpoBenchCommand.Create(context),
            DeployBenchCommand.Create(context), SacBenchCommand.Create(context), MuJoCoBenchCommand.Create(context), SoakBenchCommand.Create(context),
        };
    }

    private static int Tensors(CommandContext context, bool json, double seconds)
    {
        TensorBenchReport report = context.WithProgress(json, bars => TensorBench.Run(seconds, bars));
        if (json)
        {
            context.WriteJson(report);
            return 0;
        }
        var table = new Table().AddColumns("kind", "batch", "threads", "Control (us)", "PyTorch (us)", "PyTorch / Control", "Control GFLOP/s");
        foreach (TensorBenchRow r in report.Rows)
        {
            table.AddRow(r.Kind, r.Batch.ToString(CultureInfo.InvariantCulture), r.Threads.ToString(CultureInfo.InvariantCulture),
                r.ControlUs.ToString("F1", CultureInfo.InvariantCulture), r.TorchUs?.ToString("F1", CultureInfo.InvariantCulture) ?? "-",
                r.Ratio?.ToString("F1", CultureInfo.InvariantCulture) + "x", r.ControlGflops.ToString("F1", CultureInfo.InvariantCulture));
        }
        context.Console.Write(table);
        TensorBenchRow largest = report.Rows.First(r => r.Kind == "train" && r.Threads == 1 && r.Batch == TensorBench.Batches[^1]);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU {report.Cpu}; one core's float32 FMA peak: {report.FmaPeakGflops:F1} GFLOP/s; the batch-{largest.Batch} step on one thread runs at {100 * largest.ControlGflops / report.FmaPeakGflops:F0}% of it."));
        context.Output.WriteLine(report.Torch is null ? $"PyTorch unavailable: {report.TorchError}" : $"PyTorch {report.Torch} (/usr/bin/python3)");
        return 0;
    }
}
