namespace Control.Deploy.Onnx;

/// <summary>How <see cref="OnnxPolicy"/> sets up its ONNX Runtime session.</summary>
public sealed record OnnxPolicyOptions
{
    /// <summary>Where the graph runs (default <see cref="ExecutionProvider.Cpu"/>).</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>
    /// Threads ONNX Runtime may split one operator over (default 1): a small MLP at batch 1 has nothing worth
    /// splitting, and a control loop wants its latency on one core without waking a thread pool. At least 1.
    /// </summary>
    public int IntraOpThreads { get; init; } = 1;
}
