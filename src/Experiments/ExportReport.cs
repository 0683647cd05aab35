namespace Control.Experiments;

/// <summary>What `control export` wrote and how closely ONNX Runtime reproduces Control's policy.</summary>
/// <param name="Path">The .onnx file written.</param>
/// <param name="Opset">Its opset.</param>
/// <param name="Env">The env the policy was trained on.</param>
/// <param name="Algorithm">The algorithm that trained it.</param>
/// <param name="CheckpointSha256">SHA-256 of the checkpoint file (also in the file's metadata).</param>
/// <param name="Inputs">The graph's inputs.</param>
/// <param name="Outputs">The graph's outputs.</param>
/// <param name="ParityObservations">Observations compared.</param>
/// <param name="ParityMaxAbsDiff">Largest absolute difference over every float output (actions, means, log-stds, logits, Q values).</param>
/// <param name="ParityMaxRelDiff">Largest difference relative to the value's magnitude, |diff| / max(1, |value|).</param>
/// <param name="ActionMismatches">Observations whose discrete action differs, or whose binned action took another level across a near-tie of Control's logits (0 for other continuous actions).</param>
public sealed record ExportReport(string Path, int Opset, string Env, string Algorithm, string CheckpointSha256, IReadOnlyList<OnnxTensorInfo> Inputs,
    IReadOnlyList<OnnxTensorInfo> Outputs, int ParityObservations, double ParityMaxAbsDiff, double ParityMaxRelDiff, int ActionMismatches);
