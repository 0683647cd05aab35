// Run an exported ONNX policy in ONNX Runtime through the fixed-rate control loop (clock, watchdog, safety filter) on a
// simulated robot, as a controller would run it: returns and tick timing. Any policy `control export` or
// examples/SacOnnxExport wrote. Run: dotnet run -c Release --project examples/OnnxControlLoop -- POLICY.onnx ENV [--tiny]
using Control.Experiments;

bool tiny = args.Contains("--tiny") || Environment.GetEnvironmentVariable("CONTROL_EXAMPLES_TINY") == "1";
string[] positional = [.. args.Where(a => !a.StartsWith("--", StringComparison.Ordinal))];
if (positional.Length != 2)
{
    Console.Error.WriteLine("usage: OnnxControlLoop POLICY.onnx ENV [--tiny] (examples/SacOnnxExport writes a policy for pendulum)");
    return 2;
}

// 1 kHz ticks with 200 us of spinning before each deadline; an episode per seed 1,000,000 + k, as `control eval`.
DeployReport report = DeployRun.Run(new DeployRequest(positional[0], positional[1]) { Episodes = tiny ? 1 : 10, RateHz = 1000 });
Console.WriteLine($"{report.Policy} on {report.Env}: mean return {report.MeanReturn:F1} over {report.Episodes} episodes, stopped: {report.StopReason}");
Console.WriteLine($"tick p50 {report.TickUsP50:F1} us, p99 {report.TickUsP99:F1} us, policy alone p50 {report.PolicyUsP50:F1} us, deadline misses {report.DeadlineMisses}");
return report.StopReason == "EpisodesCompleted" ? 0 : 1;
