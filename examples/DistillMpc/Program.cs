// Distil iLQR-MPC into a small network and ship it. DAgger with the planner as the expert: the learning policy drives,
// the planner labels every state it visits, and each label brings rows at nearby states labelled by the planner's
// feedback gain (the preset on the pendulum, with a 32-32 tanh network). The policy is compared with its expert on the
// same episodes, with the time each takes per action; then it acts in-process as a controller calls it, and is exported
// to ONNX, checked in ONNX Runtime against Control's own forward pass before the file is kept.
// Run: dotnet run -c Release --project examples/DistillMpc [-- --tiny] [-- OUT.onnx]
using Control.Experiments;
using Control.Policies.Common;

bool tiny = args.Contains("--tiny") || Environment.GetEnvironmentVariable("CONTROL_EXAMPLES_TINY") == "1";
string onnx = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? Path.Combine(Path.GetTempPath(), "control-example-distill.onnx");
string directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(onnx))!, "control-example-distill-run");
// 1,000 labels are DAgger's first iteration (the expert drives it); 20,000 make 20 iterations, the budget.
int labels = tiny ? 1000 : 20_000;

var request = new DistillRequest("pendulum", "ilqr", "dagger", Seed: 1) { Steps = labels, OutputDirectory = directory };
DistillReport report = DistillRun.Run(request, p => Console.WriteLine($"iteration {p.Iteration,2}: {p.Labels,6} labels, score {p.Score:F3}"));
Console.WriteLine($"expert (iLQR-MPC):  return {report.ExpertReturn,8:F1}, {report.ExpertMsPerAction * 1000,6:F1} us per action");
Console.WriteLine($"distilled policy:   return {report.PolicyReturn,8:F1}, {report.PolicyUsPerAction,6:F2} us per action ({report.Speedup:F0}x faster)");
Console.WriteLine($"score (policy - random) / (expert - random): {report.Score:F3}, the refit of iteration {report.SelectedIteration} of {report.Iterations}");

// What a controller written in C# calls every tick: the observation (cos theta, sin theta, theta_dot) in, the torque out.
InferencePolicy policy = InferencePolicy.Load(report.Checkpoint!);
var action = new double[policy.ActionSize];
policy.Act([Math.Cos(0.1), Math.Sin(0.1), 0.0], action);
Console.WriteLine($"in-process: 0.1 rad from upright at rest -> torque {action[0]:F3} N m");

ExportReport export = ExportRun.Run(new ExportRequest(report.Checkpoint!, onnx) { ParityObservations = tiny ? 500 : 10_000 });
Console.WriteLine($"exported {export.Path}: largest difference from Control {export.ParityMaxAbsDiff:G3}");
Console.WriteLine($"run it in the control loop: dotnet run -c Release --project examples/OnnxControlLoop -- {export.Path} pendulum");
