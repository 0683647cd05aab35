// `control bench deploy`: latency of a policy in Control's engine and in ONNX Runtime (bench/Control.Bench.Runs, DeployBench).
using System.CommandLine;
using System.Globalization;
using Control.Bench.Runs;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control bench deploy`.</summary>
public static class DeployBenchCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var calls = new Option<int>("--calls") { Description = "Timed calls per figure (after as many for warm-up).", DefaultValueFactory = _ => 20_000 };
        var command = new Command("deploy", "Policy latency (p50, p99), Control's engine against ONNX Runtime, one thread, batch 1 and 64, 64-64 and 256-256 MLPs.") { json, calls };
        command.SetAction(parse => context.Guard(() =>
        {
            DeployBenchReport report = context.WithProgress(parse.GetValue(json), bars => DeployBench.Run(parse.GetValue(calls), bars));
            if (parse.GetValue(json))
            {
                context.WriteJson(report);
                return 0;
            }
            var table = new Table().AddColumns("runtime", "hidden", "batch", "p50 (us)", "p99 (us)");
            foreach (DeployBenchRow r in report.Rows)
                table.AddRow(r.Runtime, r.Hidden, r.Batch.ToString(CultureInfo.InvariantCulture), F(r.P50Us), F(r.P99Us));
            context.Console.Write(table);
            context.Output.WriteLine($"CPU {report.Cpu}; ONNX Runtime {report.OnnxRuntime}; {report.Calls} timed calls per figure, one thread each.");
            return 0;
        }));
        return command;
    }

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
