namespace Control.Experiments;

/// <summary>One input or output of an exported graph, as ONNX Runtime reads it.</summary>
/// <param name="Name">Tensor name (see the contract in Control.Deploy.Onnx.OnnxContract).</param>
/// <param name="Type">Element type: float32 or int64.</param>
/// <param name="Shape">Dimensions; a symbolic one by its name ("batch").</param>
public sealed record OnnxTensorInfo(string Name, string Type, IReadOnlyList<string> Shape);
