namespace Control.Deploy.Export.Onnx;

/// <summary>
/// A file or buffer that is not an ONNX policy as <see cref="OnnxExporter"/> writes it: not an ONNX protobuf, truncated or
/// corrupt, an op the exporter never writes, missing or wrong contract metadata, or a graph of another structure. The
/// message names the source and what is wrong.
/// </summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>An error about <paramref name="source"/> (a path, or a caller's name for a buffer).</summary>
    public OnnxFormatException(string source, string problem, Exception? inner = null) : base($"{source}: {problem}", inner)
    {
        SourceName = source;
        Problem = problem;
    }

    /// <summary>The file path or buffer name the error is about.</summary>
    public string SourceName { get; }

    /// <summary>What is wrong, without the source.</summary>
    public string Problem { get; }
}
