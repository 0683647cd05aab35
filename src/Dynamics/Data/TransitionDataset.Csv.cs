// CSV export and import of a TransitionDataset, for inspection and exchange with other tools (pandas, a
// spreadsheet). One header line names the columns x0..x{n-1}, u0..u{m-1}, x'0..x'{n-1}, reward, terminated;
// then one line per transition, numbers in invariant culture with round-trip formatting (so import gives back
// the same bits) and terminated as 0 or 1. Import checks every line and names the line and column at fault.
using System.Globalization;
using System.Text;
using Control.Core;

namespace Control.Dynamics.Data;

public sealed partial class TransitionDataset
{
    /// <summary>Column names of the CSV form for <paramref name="stateSize"/> states and <paramref name="controlSize"/> controls.</summary>
    public static string[] CsvColumns(int stateSize, int controlSize)
    {
        if (stateSize <= 0) throw new ArgumentOutOfRangeException(nameof(stateSize), stateSize, "TransitionDataset: expected a positive state size");
        if (controlSize <= 0) throw new ArgumentOutOfRangeException(nameof(controlSize), controlSize, "TransitionDataset: expected a positive control size");
        var columns = new List<string>(2 * stateSize + controlSize + 2);
        for (int i = 0; i < stateSize; i++) columns.Add($"x{i}");
        for (int i = 0; i < controlSize; i++) columns.Add($"u{i}");
        for (int i = 0; i < stateSize; i++) columns.Add($"x'{i}");
        columns.Add("reward");
        columns.Add("terminated");
        return [.. columns];
    }

    /// <summary>Writes the dataset as CSV (header line, then one line per row), atomically.</summary>
    public void ExportCsv(string path)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16, leaveOpen: true);
            writer.NewLine = "\n";
            writer.WriteLine(string.Join(',', CsvColumns(StateSize, ControlSize)));
            for (int row = 0; row < Count; row++)
            {
                WriteNumbers(writer, State(row));
                WriteNumbers(writer, Control(row));
                WriteNumbers(writer, NextState(row));
                writer.Write(rewards[row].ToString("R", CultureInfo.InvariantCulture));
                writer.WriteLine(terminated[row] ? ",1" : ",0");
            }
        });
    }

    /// <summary>
    /// Reads a CSV written by <see cref="ExportCsv"/> (or by another tool with the same header). Throws
    /// <see cref="InvalidDataException"/> naming the file, the line (and row) and the column when the header differs, a line
    /// has the wrong number of fields, or a field is not a finite number (terminated: 0, 1, true or false).
    /// </summary>
    public static TransitionDataset ImportCsv(string path, int stateSize, int controlSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string[] columns = CsvColumns(stateSize, controlSize);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string? header = reader.ReadLine();
        if (header is null)
            throw BadCsv(path, 1, $"expected the header {string.Join(',', columns)}, got an empty file");
        string[] names = header.Split(',');
        if (names.Length != columns.Length)
            throw BadCsv(path, 1, $"expected a header of {columns.Length} columns ({string.Join(',', columns)}), got {names.Length} columns");
        for (int c = 0; c < columns.Length; c++)
        {
            if (names[c].Trim() != columns[c])
                throw BadCsv(path, 1, $"column {c + 1}: expected the header name '{columns[c]}', got '{names[c]}'");
        }

        var dataset = new TransitionDataset(stateSize, controlSize);
        var state = new double[stateSize];
        var control = new double[controlSize];
        var nextState = new double[stateSize];
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            string[] fields = line.Split(',');
            if (fields.Length != columns.Length)
                throw BadRow(path, lineNumber, $"expected {columns.Length} columns, got {fields.Length}");
            int c = 0;
            for (int i = 0; i < stateSize; i++, c++) state[i] = ParseNumber(path, lineNumber, c, columns[c], fields[c]);
            for (int i = 0; i < controlSize; i++, c++) control[i] = ParseNumber(path, lineNumber, c, columns[c], fields[c]);
            for (int i = 0; i < stateSize; i++, c++) nextState[i] = ParseNumber(path, lineNumber, c, columns[c], fields[c]);
            double reward = ParseNumber(path, lineNumber, c, columns[c], fields[c]);
            c++;
            bool done = fields[c].Trim().ToLowerInvariant() switch
            {
                "0" or "false" => false,
                "1" or "true" => true,
                _ => throw BadRow(path, lineNumber, $"column {c + 1} ({columns[c]}): expected 0, 1, true or false, got '{fields[c]}'"),
            };
            dataset.Add(state, control, nextState, reward, done);
        }
        return dataset;
    }

    private static void WriteNumbers(StreamWriter writer, ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            writer.Write(v.ToString("R", CultureInfo.InvariantCulture));
            writer.Write(',');
        }
    }

    private static double ParseNumber(string path, int line, int column, string name, string field)
    {
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw BadRow(path, line, $"column {column + 1} ({name}): expected a number, got '{field}'");
        if (!double.IsFinite(value))
            throw BadRow(path, line, $"column {column + 1} ({name}): expected a finite number, got '{field}'");
        return value;
    }

    private static InvalidDataException BadCsv(string path, int line, string message)
        => new($"{path}: line {line}: {message}.");

    // A data line names its row too (row 0 is line 2, after the header).
    private static InvalidDataException BadRow(string path, int line, string message)
        => new($"{path}: line {line} (row {line - 2}): {message}.");
}
