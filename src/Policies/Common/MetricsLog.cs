using System.Globalization;

namespace Control.Policies.Common;

/// <summary>
/// Appends one CSV row per iteration: iteration, env_steps, time_s, then the metric keys of the first row in
/// sorted order (the header). Rows are flushed as written so that a crash loses nothing already logged.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter writer;
    private string[]? keys;

    /// <summary>Creates (or truncates) the log at <paramref name="path"/>.</summary>
    public MetricsLog(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        writer = new StreamWriter(path, append: false) { AutoFlush = true };
    }

    /// <summary>Writes a row (and the header before the first).</summary>
    /// <exception cref="ArgumentException">A row's keys differ from the header's.</exception>
    public void Append(TrainingProgress progress)
    {
        if (keys is null)
        {
            keys = progress.Metrics.Keys.Order(StringComparer.Ordinal).ToArray();
            writer.WriteLine(string.Join(",", new[] { "iteration", "env_steps", "time_s" }.Concat(keys)));
        }
        else if (progress.Metrics.Count != keys.Length || keys.Any(k => !progress.Metrics.ContainsKey(k)))
        {
            throw new ArgumentException($"MetricsLog: expected the metric keys {string.Join(", ", keys)}, got {string.Join(", ", progress.Metrics.Keys)}.");
        }
        var cells = new List<string>
        {
            progress.Iteration.ToString(CultureInfo.InvariantCulture),
            progress.EnvSteps.ToString(CultureInfo.InvariantCulture),
            progress.Elapsed.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        };
        cells.AddRange(keys.Select(k => progress.Metrics[k].ToString("R", CultureInfo.InvariantCulture)));
        writer.WriteLine(string.Join(",", cells));
    }

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();
}
