namespace Control.Robots.MuJoCo;

/// <summary>
/// A user task file that cannot be used: a missing or malformed field, an unknown joint, site or sensor, a model
/// that does not load or does not have the expected actuators. The message names the file, the field and its line.
/// </summary>
public sealed class MuJoCoTaskFileException : ArgumentException
{
    /// <summary>The exception for <paramref name="field"/> of <paramref name="file"/> (line 0: unknown).</summary>
    public MuJoCoTaskFileException(string file, string field, int line, string message, Exception? inner = null)
        : base($"{file}: {field}{(line > 0 ? $" (line {line})" : "")}: {message}", inner)
    {
        File = file;
        Field = field;
        Line = line;
    }

    /// <summary>The task file.</summary>
    public string File { get; }

    /// <summary>The offending field, as a path (e.g. "residuals[1].kind").</summary>
    public string Field { get; }

    /// <summary>Line of the field in the file (1-based), or 0.</summary>
    public int Line { get; }
}
