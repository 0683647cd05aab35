// `control export`: a checkpoint's policy as an ONNX file (Experiments' ExportRun), with the parity of ONNX Runtime
// against Control's own forward pass (a live progress bar of the parity check on a terminal, as the benches have).
using System.CommandLine;
using System.Globalization;
using Control.Experiments;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control export`.</summary>
public static class ExportCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by `control train`.", Required = true };
        var output = new Option<string>("--out") { Description = "The .onnx file to write (atomically: the old file or the new one, never half of one).", Required = true };
        var opset = new Option<int>("--opset") { Description = "ONNX opset, 13 to 17.", DefaultValueFactory = _ => 17 };
        var staticBatch = new Option<bool>("--static-batch") { Description = "Fix the batch dimension to 1 (embedded toolchains) instead of a dynamic one." };
        var parity = new Option<int>("--parity-observations") { Description = "Seeded observations on which ONNX Runtime is compared with Control.", DefaultValueFactory = _ => 10_000 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("export", "Export a trained policy to ONNX (normalization, head and bounds inside the graph) and check it in ONNX Runtime.")
        {
            checkpoint, output, opset, staticBatch, parity, json,
        };
        command.SetAction(parse => context.Guard(() =>
        {
            var request = new ExportRequest(parse.GetValue(checkpoint)!, parse.GetValue(output)!)
            {
                Opset = parse.GetValue(opset), StaticBatch = parse.GetValue(staticBatch), ParityObservations = parse.GetValue(parity),
            };
            ExportReport report = context.WithProgress(parse.GetValue(json), bars => ExportRun.Run(request, bars));
            if (parse.GetValue(json))
            {
                context.WriteJson(report);
                return 0;
            }
            var table = new Table().AddColumns("", "name", "type", "shape");
            foreach (OnnxTensorInfo s in report.Inputs) table.AddRow("input", s.Name, s.Type, Markup.Escape($"[{string.Join(", ", s.Shape)}]"));
            foreach (OnnxTensorInfo s in report.Outputs) table.AddRow("output", s.Name, s.Type, Markup.Escape($"[{string.Join(", ", s.Shape)}]"));
            context.Console.Write(table);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Algorithm} policy for {report.Env} -> {report.Path} (opset {report.Opset}); ONNX Runtime against Control on {report.ParityObservations} observations: max |diff| {report.ParityMaxAbsDiff:E2} (relative to the value {report.ParityMaxRelDiff:E2}), {report.ActionMismatches} differing discrete (or near-tie binned) actions"));
            return 0;
        }));
        return command;
    }
}
