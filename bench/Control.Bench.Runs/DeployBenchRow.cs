namespace Control.Bench.Runs;

/// <summary>One latency figure of the deploy bench.</summary>
/// <param name="Runtime">"control" (Control's engine, InferencePolicy) or "onnxruntime" (the exported file in ONNX Runtime).</param>
/// <param name="Hidden">Hidden layer widths, e.g. "64-64".</param>
/// <param name="Batch">Observations per call.</param>
/// <param name="P50Us">Median latency of one call, microseconds.</param>
/// <param name="P99Us">99th percentile, microseconds.</param>
public sealed record DeployBenchRow(string Runtime, string Hidden, int Batch, double P50Us, double P99Us);
