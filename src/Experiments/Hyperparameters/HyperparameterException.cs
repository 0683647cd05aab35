namespace Control.Experiments.Hyperparameters;

/// <summary>
/// A hyperparameter file or a --set override that does not fit the algorithm's config: an unknown key, a value of the
/// wrong type, a malformed override. The message is one line naming the source, the key, what was expected and what came.
/// </summary>
public sealed class HyperparameterException : ArgumentException
{
    /// <summary>An error at <paramref name="key"/> of <paramref name="source"/> (a file, with its line when known, or "--set").</summary>
    public HyperparameterException(string source, string key, string expected, string value)
        : base($"{source}: {key}: expected {expected}, got {value}")
    {
        Origin = source;
        Key = key;
        Expected = expected;
        Value = value;
    }

    /// <summary>The file (with its line when known) or "--set".</summary>
    public string Origin { get; }

    /// <summary>The key, dotted from the config's root (network.hidden).</summary>
    public string Key { get; }

    /// <summary>What the key takes.</summary>
    public string Expected { get; }

    /// <summary>What was given, as written.</summary>
    public string Value { get; }
}
