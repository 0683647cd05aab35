using Control.Deploy.Onnx;

namespace Control.Experiments;

/// <summary>An exported ONNX policy run through the control loop on a simulated env (`control run`).</summary>
/// <param name="Policy">The .onnx file (written by `control export`).</param>
/// <param name="Env">The registered env to run it on; its spaces must be the policy's.</param>
public sealed record DeployRequest(string Policy, string Env)
{
    /// <summary>Episodes to run; default 20 (as `control eval`).</summary>
    public int Episodes { get; init; } = TrainRun.EvaluationEpisodes;

    /// <summary>Seed of the first episode (episode k has seed + k, as `control eval`); default 1,000,000.</summary>
    public long Seed { get; init; } = 1_000_000;

    /// <summary>Control rate in Hz; default 1,000.</summary>
    public double RateHz { get; init; } = 1000;

    /// <summary>ONNX Runtime's execution provider; default CPU (CUDA needs the GPU package and an NVIDIA GPU, else a clear error).</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Cpu;

    /// <summary>Run on a simulated clock (as fast as the machine goes; no timing is measured, every timing figure is 0) instead of the wall clock; default false.</summary>
    public bool SimulatedClock { get; init; }

    /// <summary>
    /// Microseconds before each tick that the wall clock busy-waits instead of sleeping; default 200. A spin of the
    /// whole period keeps the core awake and its caches warm (the policy runs several times faster on a VM) at the
    /// price of one core fully used.
    /// </summary>
    public double SpinMicroseconds { get; init; } = 200;

    /// <summary>Directory for ticks.csv (each tick's busy, policy and start-jitter time, microseconds; written atomically); null (the default) writes nothing.</summary>
    public string? OutputDirectory { get; init; }
}
