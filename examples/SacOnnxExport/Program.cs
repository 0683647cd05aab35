// Train SAC on the pendulum swing-up, then export its policy to ONNX: normalization, the tanh-Gaussian head's mean and
// the action bounds inside the graph, checked in ONNX Runtime against Control's own forward pass before the file is kept.
// Run: dotnet run -c Release --project examples/SacOnnxExport [-- --tiny] [-- OUT.onnx]
using Control.Experiments;

bool tiny = args.Contains("--tiny") || Environment.GetEnvironmentVariable("CONTROL_EXAMPLES_TINY") == "1";
string onnx = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? Path.Combine(Path.GetTempPath(), "control-example-sac.onnx");
string directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(onnx))!, "control-example-sac-run");
// SAC's pendulum preset starts learning after 1000 random steps; 20,000 steps swing the pendulum up.
long steps = tiny ? 1100 : 20_000;

TrainReport report = TrainRun.Run(new TrainRequest("pendulum", "sac", steps, Seed: 1) { OutputDirectory = directory });
Console.WriteLine($"sac on pendulum: {report.EnvSteps} env steps, evaluation {report.EvalReturn:F1} +- {report.EvalReturnStd:F1}");

ExportReport export = ExportRun.Run(new ExportRequest(report.Checkpoint!, onnx) { ParityObservations = tiny ? 500 : 10_000 });
Console.WriteLine($"exported {export.Path} (opset {export.Opset}): inputs {string.Join(", ", export.Inputs.Select(i => i.Name))}, "
    + $"outputs {string.Join(", ", export.Outputs.Select(o => o.Name))}; largest difference from Control {export.ParityMaxAbsDiff:G3}");
Console.WriteLine($"run it in the control loop: dotnet run -c Release --project examples/OnnxControlLoop -- {export.Path} pendulum");
