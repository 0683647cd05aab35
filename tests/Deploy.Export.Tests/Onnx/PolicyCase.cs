using Control.Deploy.Export.Onnx;
using Control.Policies.Common;

namespace Control.Deploy.Export.Tests.Onnx;

/// <summary>A policy to export, its metadata, and seeded observations (float32 values) to compare runtimes on.</summary>
public sealed record PolicyCase(string Name, InferencePolicy Policy, OnnxModelInfo Info, double[][] Observations);
