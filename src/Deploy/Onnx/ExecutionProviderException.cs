namespace Control.Deploy.Onnx;

/// <summary>An execution provider that the ONNX Runtime build in use does not contain; the message says what to install.</summary>
public sealed class ExecutionProviderException(ExecutionProvider provider, string message) : NotSupportedException(message)
{
    /// <summary>The provider that was asked for.</summary>
    public ExecutionProvider Provider { get; } = provider;
}
