using Control.Policies.Common;

namespace Control.Deploy.Export.Onnx;

/// <summary>
/// A policy read back from an ONNX file Control exported, with the metadata and options it was written with, so that
/// <c>OnnxExporter.Export(Policy, Info, Options)</c> writes the same bytes again.
/// </summary>
/// <param name="Policy">
/// The policy. Its parameters are the graph's float32 values: a normalizer's mean is the stored float mean, and its variance
/// is std^2 - epsilon of the stored float std (epsilon from the metadata), so that a re-export computes the same float std.
/// </param>
/// <param name="Info">The metadata: env, algorithm, checkpoint checksum and observation space.</param>
/// <param name="Options">The opset and batch form of the file.</param>
public sealed record ImportedPolicy(InferencePolicy Policy, OnnxModelInfo Info, OnnxExportOptions Options);
