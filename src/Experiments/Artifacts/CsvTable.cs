// A numeric CSV file of a run directory (metrics.csv, mbrl.csv, trajectory.csv, replans.csv, ticks.csv): a header
// line of column names, then rows of numbers, as the runs write them. Read whole and checked, so that a plot or a
// report of a broken file fails with the file, the line and the column instead of drawing something wrong.
using System.Globalization;

namespace Control.Experiments.Artifacts;

/// <summary>A CSV file of numbers with a header, read into columns.</summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, double[]> columns;

    private CsvTable(string path, string[] names, Dictionary<string, double[]> columns, int rows)
    {
        Path = path;
        Names = names;
        this.columns = columns;
        Rows = rows;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The column names, in the file's order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Data rows.</summary>
    public int Rows { get; }

    /// <summary>Whether the header has column <paramref name="name"/>.</summary>
    public bool Has(string name) => columns.ContainsKey(name);

    /// <summary>The values of column <paramref name="name"/>, a value per row.</summary>
    /// <exception cref="InvalidDataException">The header has no such column; the message names the file and the columns it has.</exception>
    public double[] Column(string name) => columns.TryGetValue(name, out double[]? values) ? values
        : throw new InvalidDataException($"{Path}: expected a column '{name}', the header has {string.Join(", ", Names)}");

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">
    /// No header, no data row, a row with another number of cells than the header, or a cell that is not a number; the
    /// message names the file, the line and the column.
    /// </exception>
    public static CsvTable Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Length == 0) throw new InvalidDataException($"{path}: expected a header line of column names, got an empty file");
        string[] names = lines[0].Split(',');
        var rows = lines.Skip(1).Where(l => l.Length > 0).ToArray();
        if (rows.Length == 0) throw new InvalidDataException($"{path}: expected at least one row under the header '{lines[0]}', got none");
        var values = names.Select(_ => new double[rows.Length]).ToArray();
        for (int r = 0; r < rows.Length; r++)
        {
            string[] cells = rows[r].Split(',');
            if (cells.Length != names.Length)
                throw new InvalidDataException($"{path} line {r + 2}: expected {names.Length} cells as in the header, got {cells.Length}");
            for (int c = 0; c < cells.Length; c++)
            {
                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out values[c][r]))
                    throw new InvalidDataException($"{path} line {r + 2}: expected a number in column '{names[c]}', got '{cells[c]}'");
            }
        }
        var byName = new Dictionary<string, double[]>();
        for (int c = 0; c < names.Length; c++)
        {
            if (!byName.TryAdd(names[c], values[c])) throw new InvalidDataException($"{path}: the header names column '{names[c]}' twice");
        }
        return new CsvTable(path, names, byName, rows.Length);
    }
}
