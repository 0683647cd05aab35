namespace Control.Experiments;

/// <summary>
/// Demo stage 9: iLQR-MPC on the cart-pole swing-up distilled by DAgger into a network, exported to ONNX (checked against
/// Control in ONNX Runtime) and run from the ONNX file on the evaluation episodes; or, when ONNX Runtime's native library
/// cannot load, the distillation alone and the reason.
/// </summary>
/// <param name="Env">Env name.</param>
/// <param name="Labels">Expert labels used.</param>
/// <param name="Iterations">DAgger iterations.</param>
/// <param name="ExpertReturn">Mean return of the expert on the evaluation episodes.</param>
/// <param name="PolicyReturn">Mean return of the distilled policy in Control on the same episodes.</param>
/// <param name="Score">(policy - random) / (expert - random).</param>
/// <param name="ExpertMsPerAction">Milliseconds per expert action (a replan).</param>
/// <param name="PolicyUsPerAction">Microseconds per action of the distilled policy.</param>
/// <param name="ParityMaxAbsDiff">Largest difference of ONNX Runtime's outputs from Control's on the export's parity observations (null when the export did not run).</param>
/// <param name="OnnxReturn">Mean return of the ONNX file run by ONNX Runtime in the control loop on the same episodes (null when it did not run).</param>
/// <param name="Unavailable">Why the export did not run, or null when it did.</param>
public sealed record DemoDistill(string Env, int Labels, int Iterations, double ExpertReturn, double PolicyReturn, double Score, double ExpertMsPerAction,
    double PolicyUsPerAction, double? ParityMaxAbsDiff, double? OnnxReturn, string? Unavailable);
