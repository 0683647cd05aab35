namespace Control.Deploy.Onnx;

/// <summary>
/// A file that is not an ONNX policy of Control's contract (<see cref="OnnxContract"/>): missing, unreadable, not
/// ONNX, or an ONNX graph whose metadata, inputs or outputs differ from the contract. The message names the file and
/// says what was expected and what was found.
/// </summary>
public sealed class OnnxContractException : Exception
{
    /// <summary>An error about <paramref name="modelSource"/> (a path, or the name a caller gave a byte array).</summary>
    public OnnxContractException(string modelSource, string message, Exception? inner = null)
        : base($"{modelSource}: {message}", inner)
    {
        ModelSource = modelSource;
    }

    /// <summary>The file (or the named byte array) the error is about.</summary>
    public string ModelSource { get; }
}
