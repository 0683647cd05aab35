namespace Control.Deploy.Onnx;

/// <summary>Where ONNX Runtime runs a policy's graph.</summary>
public enum ExecutionProvider
{
    /// <summary>ONNX Runtime's CPU kernels (the package Deploy references).</summary>
    Cpu,

    /// <summary>NVIDIA CUDA: needs the Microsoft.ML.OnnxRuntime.Gpu package, an NVIDIA GPU and CUDA 12.</summary>
    Cuda,
}
