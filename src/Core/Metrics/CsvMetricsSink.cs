// The CSV log of a training run: iteration, env_steps, time_s, then the metric keys of the first row in ordinal
// order. Each row is flushed as it is written, so a crash loses nothing already logged; appending to an existing log
// (a resumed run) checks that its header is the one this run would write, so columns never shift.
using System.Globalization;

namespace Control.Core.Metrics;

/// <summary>Appends one CSV row per <see cref="Write"/>, flushed at once.</summary>
public sealed class CsvMetricsSink : IMetricsSink
{
    private static readonly string[] Leading = ["iteration", "env_steps", "time_s"];
    private readonly StreamWriter writer;
    private readonly string path;
    private readonly string? existingHeader;
    private string[]? keys;

    /// <summary>
    /// A log at <paramref name="path"/>: created or truncated, or with <paramref name="append"/> continued after the
    /// rows already there (whose header the first row's keys must match).
    /// </summary>
    public CsvMetricsSink(string path, bool append = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        this.path = path;
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        if (append && File.Exists(path))
        {
            using var reader = new StreamReader(path);
            existingHeader = reader.ReadLine();
        }
        writer = new StreamWriter(path, append) { AutoFlush = true };
    }

    /// <summary>Writes a row (and the header before the first, unless appending after one).</summary>
    /// <exception cref="ArgumentException">The row's keys differ from the header's.</exception>
    public void Write(MetricsRow row)
    {
        if (keys is null)
        {
            keys = row.Values.Keys.Order(StringComparer.Ordinal).ToArray();
            string header = string.Join(",", Leading.Concat(keys));
            if (existingHeader is null) writer.WriteLine(header);
            else if (existingHeader != header)
                throw new ArgumentException($"CsvMetricsSink: {path} has the header '{existingHeader}', expected '{header}' to append to it.");
        }
        else if (row.Values.Count != keys.Length || keys.Any(k => !row.Values.ContainsKey(k)))
        {
            throw new ArgumentException($"CsvMetricsSink: expected the metric keys {string.Join(", ", keys)}, got {string.Join(", ", row.Values.Keys)}.");
        }
        var cells = new List<string>(keys.Length + Leading.Length)
        {
            row.Iteration.ToString(CultureInfo.InvariantCulture),
            row.EnvSteps.ToString(CultureInfo.InvariantCulture),
            row.Elapsed.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        };
        cells.AddRange(keys.Select(k => row.Values[k].ToString("R", CultureInfo.InvariantCulture)));
        writer.WriteLine(string.Join(",", cells));
    }

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();
}
