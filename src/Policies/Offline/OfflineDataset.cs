// A logged dataset for offline policy learning (fitted Q-iteration; behaviour cloning): Dynamics' TransitionDataset
// read as (observation, action, next observation, reward, terminated) of one env, checked against that env's spaces
// before any learning starts, so that a bad file fails whole, before anything is written. A .csv file is read by its
// header: x0..x{n-1} are the observation, u0..u{m-1} the action, x'0..x'{n-1} the next observation, then reward and
// terminated (TransitionDataset.ExportCsv's layout); any other file is read as the binary CTLTRANS format.
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Control.Core.Envs;
using Control.Dynamics.Data;
using Control.Policies.Common;

namespace Control.Policies.Offline;

/// <summary>
/// Transitions of one env whose every action lies in the env's action space (a Discrete index in [0, N), a Box value
/// within its bounds) and whose observations fit its observation space's size (Discrete cells in [0, N)); every value
/// is finite and there is at least one row.
/// </summary>
public sealed partial class OfflineDataset
{
    /// <summary>Checkpoint section in which an offline run records its dataset (<see cref="OfflineDatasetDescription"/>).</summary>
    public const string Section = "dataset";

    private OfflineDataset(TransitionDataset transitions, string env, Space observationSpace, Space actionSpace, string source)
    {
        Transitions = transitions;
        Env = env;
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        Source = source;
        Fingerprint = Hash(transitions);
    }

    /// <summary>The rows: States are observations, Controls actions, NextStates next observations.</summary>
    public TransitionDataset Transitions { get; }

    /// <summary>The env the data was checked against.</summary>
    public string Env { get; }

    /// <summary>The env's observation space.</summary>
    public Space ObservationSpace { get; }

    /// <summary>The env's action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>The file the data came from (or the name an in-memory dataset was given).</summary>
    public string Source { get; }

    /// <summary>Number of transitions.</summary>
    public int Count => Transitions.Count;

    /// <summary>SHA-256 (lowercase hex) of the values, whatever the file format: the same rows give the same fingerprint.</summary>
    public string Fingerprint { get; }

    /// <summary>What a checkpoint records about the dataset.</summary>
    public OfflineDatasetDescription Describe() => new(Source, Count, Fingerprint);

    /// <summary>Refuses <paramref name="checkpoint"/> when its <see cref="Section"/> describes other rows than these (a checkpoint without one passes).</summary>
    /// <exception cref="CheckpointException">The checkpoint was trained on another dataset.</exception>
    public void CheckTrainedOn(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!checkpoint.Has(Section)) return;
        OfflineDatasetDescription trained = checkpoint.GetJson<OfflineDatasetDescription>(Section);
        if (trained.Fingerprint != Fingerprint)
        {
            throw new CheckpointException(
                $"{checkpoint.Source ?? "checkpoint"}: trained on {trained.Source} ({trained.Rows} rows, SHA-256 {trained.Fingerprint}); expected the same rows, got {Source} ({Count} rows, SHA-256 {Fingerprint}).");
        }
    }

    /// <summary>
    /// Reads <paramref name="path"/> (CSV when it ends in .csv, the binary format otherwise) and checks it against the
    /// spaces of <paramref name="env"/>.
    /// </summary>
    /// <exception cref="OfflineDatasetException">
    /// The file is missing or unreadable; a column is missing or extra; a value is not a finite number; an action is
    /// outside the action space or an observation cell outside a Discrete observation space (the row is named); no rows.
    /// </exception>
    public static OfflineDataset Load(string path, string env, Space observationSpace, Space actionSpace)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        if (!File.Exists(path)) throw new OfflineDatasetException(path, null, $"{path}: expected a dataset file (.csv, or the binary CTLTRANS format), found no such file.");
        bool csv = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        int n = observationSpace.FlatSize, m = actionSpace.FlatSize;
        TransitionDataset transitions;
        try
        {
            if (csv)
            {
                CheckHeader(path, env, observationSpace, actionSpace);
                transitions = TransitionDataset.ImportCsv(path, n, m);
            }
            else
            {
                transitions = TransitionDataset.Load(path);
                if (transitions.StateSize != n || transitions.ControlSize != m)
                {
                    throw new OfflineDatasetException(path, null,
                        $"{path}: expected observations of {n} values ({env}'s {observationSpace.Describe()}) and actions of {m} ({actionSpace.Describe()}), "
                        + $"got {transitions.StateSize} and {transitions.ControlSize}.");
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new OfflineDatasetException(path, null, e.Message, e);
        }
        catch (IOException e)
        {
            throw new OfflineDatasetException(path, null, $"{path}: cannot read the dataset: {e.Message}", e);
        }
        return Check(transitions, env, observationSpace, actionSpace, path, csv);
    }

    /// <summary>An in-memory dataset, checked as <see cref="Load"/> checks a file; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="OfflineDatasetException">The sizes do not fit the spaces, a value is outside them, or there are no rows.</exception>
    public static OfflineDataset From(TransitionDataset transitions, string env, Space observationSpace, Space actionSpace, string source = "dataset")
    {
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        if (transitions.StateSize != observationSpace.FlatSize || transitions.ControlSize != actionSpace.FlatSize)
        {
            throw new OfflineDatasetException(source, null,
                $"{source}: expected observations of {observationSpace.FlatSize} values ({env}'s {observationSpace.Describe()}) and actions of {actionSpace.FlatSize} "
                + $"({actionSpace.Describe()}), got {transitions.StateSize} and {transitions.ControlSize}.");
        }
        return Check(transitions, env, observationSpace, actionSpace, source, csv: false);
    }

    // The header names its columns; compared with what the env needs before any line is parsed.
    private static void CheckHeader(string path, string env, Space observationSpace, Space actionSpace)
    {
        string? header;
        using (var reader = new StreamReader(path)) header = reader.ReadLine();
        if (header is null) throw new OfflineDatasetException(path, null, $"{path}: expected a header line naming the columns, got an empty file.");
        string[] names = header.Split(',').Select(name => name.Trim()).ToArray();
        int observations = names.Count(name => ObservationColumn().IsMatch(name));
        int actions = names.Count(name => ActionColumn().IsMatch(name));
        int nextObservations = names.Count(name => NextObservationColumn().IsMatch(name));
        int n = observationSpace.FlatSize, m = actionSpace.FlatSize;
        string layout = string.Join(',', TransitionDataset.CsvColumns(n, m));
        if (actions != m)
        {
            string what = actions == 0 ? "no action columns" : $"{actions} action column{(actions == 1 ? "" : "s")}";
            throw new OfflineDatasetException(path, null,
                $"{path}: line 1: expected {m} action column{(m == 1 ? "" : "s")} ({Columns("u", m)}) for {env}'s {actionSpace.Describe()} actions, the header has {what}; "
                + $"expected the header {layout}, got {header}.");
        }
        if (observations != n || nextObservations != n)
        {
            throw new OfflineDatasetException(path, null,
                $"{path}: line 1: expected {n} observation column{(n == 1 ? "" : "s")} ({Columns("x", n)}) and {n} next-observation column{(n == 1 ? "" : "s")} ({Columns("x'", n)}) for {env}'s "
                + $"{observationSpace.Describe()} observations, the header has {observations} and {nextObservations}; expected the header {layout}, got {header}.");
        }
        foreach (string column in new[] { "reward", "terminated" })
        {
            if (!names.Contains(column))
                throw new OfflineDatasetException(path, null, $"{path}: line 1: expected a column '{column}', the header has none; expected the header {layout}, got {header}.");
        }
    }

    // Every action in the action space, every Discrete observation a cell, at least one row.
    private static OfflineDataset Check(TransitionDataset transitions, string env, Space observationSpace, Space actionSpace, string source, bool csv)
    {
        if (actionSpace is not (Discrete or Box))
            throw new OfflineDatasetException(source, null, $"{source}: expected an env with a Discrete or Box action space, got {actionSpace.Describe()} on {env}.");
        if (transitions.Count == 0) throw new OfflineDatasetException(source, null, $"{source}: expected at least one transition, got none.");
        for (int row = 0; row < transitions.Count; row++)
        {
            ReadOnlySpan<double> action = transitions.Control(row);
            switch (actionSpace)
            {
                case Discrete d when !IsCell(action[0], d.N):
                    throw OutOfSpace(source, csv, row, $"action u0 = {Format(action[0])} is not one of {env}'s {d.Describe()} actions (an integer in [0, {d.N - 1}])");
                case Box box:
                    for (int j = 0; j < action.Length; j++)
                    {
                        if (!(action[j] >= box.Low[j] && action[j] <= box.High[j]))
                            throw OutOfSpace(source, csv, row, $"action u{j} = {Format(action[j])} is outside {env}'s action bounds [{Format(box.Low[j])}, {Format(box.High[j])}]");
                    }
                    break;
            }
            if (observationSpace is Discrete cells)
            {
                if (!IsCell(transitions.State(row)[0], cells.N))
                    throw OutOfSpace(source, csv, row, $"observation x0 = {Format(transitions.State(row)[0])} is not one of {env}'s {cells.Describe()} cells");
                if (!IsCell(transitions.NextState(row)[0], cells.N))
                    throw OutOfSpace(source, csv, row, $"next observation x'0 = {Format(transitions.NextState(row)[0])} is not one of {env}'s {cells.Describe()} cells");
            }
        }
        return new OfflineDataset(transitions, env, observationSpace, actionSpace, source);
    }

    private static string Columns(string prefix, int count) => count == 1 ? $"{prefix}0" : $"{prefix}0..{prefix}{count - 1}";

    private static bool IsCell(double value, int count) => value >= 0 && value < count && value == Math.Floor(value);

    private static OfflineDatasetException OutOfSpace(string source, bool csv, int row, string message)
        => new(source, row, $"{source}: row {row}{(csv ? $" (line {row + 2})" : "")}: {message}.");

    private static string Format(double value) => value.ToString("G17", CultureInfo.InvariantCulture);

    // The values in a fixed little-endian layout: sizes, observations, actions, next observations, rewards, terminated flags.
    private static string Hash(TransitionDataset transitions)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> bytes = stackalloc byte[sizeof(double)];
        foreach (int size in new[] { transitions.StateSize, transitions.ControlSize, transitions.Count })
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes, size);
            hash.AppendData(bytes[..sizeof(int)]);
        }
        void Append(ReadOnlySpan<double> values, Span<byte> number)
        {
            foreach (double v in values)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(number, v);
                hash.AppendData(number);
            }
        }
        Append(transitions.States, bytes);
        Append(transitions.Controls, bytes);
        Append(transitions.NextStates, bytes);
        Append(transitions.Rewards, bytes);
        foreach (bool t in transitions.Terminated)
        {
            bytes[0] = t ? (byte)1 : (byte)0;
            hash.AppendData(bytes[..1]);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    [GeneratedRegex(@"^x\d+$")]
    private static partial Regex ObservationColumn();

    [GeneratedRegex(@"^u\d+$")]
    private static partial Regex ActionColumn();

    [GeneratedRegex(@"^x'\d+$")]
    private static partial Regex NextObservationColumn();
}
