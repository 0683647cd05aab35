namespace Control.Policies.Offline;

/// <summary>
/// A logged dataset that cannot train a policy for its env: a missing or extra column, a value that is not a finite
/// number, an action outside the env's action space, an observation cell outside a Discrete observation space, or no
/// rows at all. The message names the file, the row (and its CSV line) and what was expected and what came. An
/// <see cref="ArgumentException"/>, as a bad task file is: the dataset is the run's input.
/// </summary>
public sealed class OfflineDatasetException : ArgumentException
{
    /// <summary>A problem with <paramref name="source"/> at <paramref name="row"/> (null: the file as a whole).</summary>
    public OfflineDatasetException(string source, int? row, string message, Exception? inner = null)
        : base(message, inner)
    {
        Dataset = source;
        Row = row;
    }

    /// <summary>The dataset's file (or the name an in-memory dataset was given).</summary>
    public string Dataset { get; }

    /// <summary>The row at fault (0-based), or null when the problem is not one row's.</summary>
    public int? Row { get; }
}
