namespace Control.Bench.Runs;

/// <summary>The deploy bench.</summary>
/// <param name="Rows">Control then ONNX Runtime, for each network size and batch.</param>
/// <param name="Calls">Timed calls per figure.</param>
/// <param name="Cpu">The processor as CPUID reports it.</param>
/// <param name="OnnxRuntime">ONNX Runtime's version.</param>
public sealed record DeployBenchReport(IReadOnlyList<DeployBenchRow> Rows, int Calls, string Cpu, string OnnxRuntime);
