// The CSV log of a training run: iteration, env_steps, time_s, then the metric keys of the first row in ordinal
// order. Each row goes to the file in one write and is flushed at once, so a killed process loses nothing already
// logged and leaves at most one torn last row; appending to an existing log checks that its header is the one this
// run would write, so columns never shift. A resumed run (Continue) keeps the rows up to its checkpoint, drops the
// rows written after it and a torn last row, and continues time_s from the last kept row.
using System.Globalization;
using System.Text;

namespace Control.Core.Metrics;

/// <summary>Appends one CSV row per <see cref="Write"/>, flushed at once.</summary>
public sealed class CsvMetricsSink : IMetricsSink
{
    private static readonly string[] Leading = ["iteration", "env_steps", "time_s"];
    private readonly FileStream stream;
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
        stream = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    /// <summary>
    /// Wall time of the run before this process, from a log continued by <see cref="Continue"/> (the time_s of the
    /// last kept row); zero for a new log.
    /// </summary>
    public TimeSpan ElapsedBefore { get; private init; }

    /// <summary>Rows kept from an earlier process by <see cref="Continue"/>; zero for a new log.</summary>
    public int RowsKept { get; private init; }

    /// <summary>
    /// Continues the log of a run resumed after <paramref name="iteration"/> iterations: keeps the header and the
    /// complete rows of iterations up to <paramref name="iteration"/>, drops later rows (logged after the checkpoint
    /// the run resumes from) and a torn last row (a process killed while writing it), rewrites the file atomically,
    /// and appends after it. Without a file at <paramref name="path"/> it starts a new log.
    /// </summary>
    /// <exception cref="InvalidDataException">A complete row before the kept end does not parse, or the header is torn.</exception>
    public static CsvMetricsSink Continue(string path, int iteration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegative(iteration);
        if (!File.Exists(path)) return new CsvMetricsSink(path);
        string text = File.ReadAllText(path, Encoding.UTF8);
        int headerEnd = text.IndexOf('\n', StringComparison.Ordinal);
        if (headerEnd < 0)
        {
            // Killed before the header was complete: no row was ever logged.
            return new CsvMetricsSink(path);
        }
        string header = text[..headerEnd];
        int columns = header.Split(',').Length;
        if (!header.StartsWith(string.Join(",", Leading), StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: expected a metrics log starting with the columns {string.Join(",", Leading)}, got the header '{header}'.");
        var kept = new StringBuilder(header).Append('\n');
        int rows = 0, line = 1;
        double lastTime = 0;
        for (int start = headerEnd + 1; start < text.Length;)
        {
            line++;
            int end = text.IndexOf('\n', start);
            if (end < 0) break; // the torn last row of a killed process
            string row = text[start..end];
            start = end + 1;
            string[] cells = row.Split(',');
            if (cells.Length != columns || !int.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int rowIteration)
                || !double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double time))
            {
                throw new InvalidDataException($"{path}: line {line} is not a row of {columns} cells under the header '{header}': '{row}'.");
            }
            if (rowIteration > iteration) break;
            kept.Append(row).Append('\n');
            rows++;
            lastTime = time;
        }
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(kept.ToString())));
        return new CsvMetricsSink(path, append: true) { ElapsedBefore = TimeSpan.FromSeconds(lastTime), RowsKept = rows };
    }

    /// <summary>Writes a row (and the header before the first, unless appending after one).</summary>
    /// <exception cref="ArgumentException">The row's keys differ from the header's.</exception>
    public void Write(MetricsRow row)
    {
        var text = new StringBuilder();
        if (keys is null)
        {
            keys = row.Values.Keys.Order(StringComparer.Ordinal).ToArray();
            string header = string.Join(",", Leading.Concat(keys));
            if (existingHeader is null) text.Append(header).Append('\n');
            else if (existingHeader != header)
                throw new ArgumentException($"CsvMetricsSink: {path} has the header '{existingHeader}', expected '{header}' to append to it.");
        }
        else if (row.Values.Count != keys.Length || keys.Any(k => !row.Values.ContainsKey(k)))
        {
            throw new ArgumentException($"CsvMetricsSink: expected the metric keys {string.Join(", ", keys)}, got {string.Join(", ", row.Values.Keys)}.");
        }
        text.Append(row.Iteration.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(row.EnvSteps.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(row.Elapsed.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        foreach (string k in keys) text.Append(',').Append(row.Values[k].ToString("R", CultureInfo.InvariantCulture));
        text.Append('\n');
        // One write call per row: a kill leaves the row either whole or as the torn last line Continue drops.
        stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
        stream.Flush();
    }

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();
}
