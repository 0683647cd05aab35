// Training checkpoints: everything a run needs to continue exactly where it stopped (network weights,
// optimizer moments and step count, observation statistics, generators, env states, config, step count) in
// one versioned file with a SHA-256 checksum, written atomically (temporary file, then rename) so that a
// crash never leaves a half-written checkpoint, and read completely and checked before anything is loaded.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Control.Core;
using Control.Tensors;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.Policies.Common;

/// <summary>
/// Named sections of bytes, saved and loaded as one file. Typed helpers put and get modules, optimizers,
/// generators, JSON configs and arbitrary binary state.
/// </summary>
public sealed class Checkpoint
{
    private static readonly byte[] Magic = "CTLC"u8.ToArray();
    // Version 2: every algorithm stores its policy as an InferencePolicy (policy/normalizer, policy/network,
    // policy/head) and its other parts under uniform names (value, q/target, optimizer, observation_filter, rng, env, counters).
    private const int FormatVersion = 2;
    private readonly Dictionary<string, byte[]> sections = new(StringComparer.Ordinal);

    /// <summary>Where the checkpoint was loaded from (for messages); null for a new one.</summary>
    public string? Source { get; private init; }

    /// <summary>Section names in insertion order of the file.</summary>
    public IReadOnlyCollection<string> Sections => sections.Keys;

    /// <summary>Whether a section exists.</summary>
    public bool Has(string name) => sections.ContainsKey(name);

    /// <summary>Stores a section written by <paramref name="write"/>.</summary>
    public void Put(string name, Action<BinaryWriter> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) write(writer);
        sections[name] = stream.ToArray();
    }

    /// <summary>Reads section <paramref name="name"/> with <paramref name="read"/>, which must consume it exactly.</summary>
    public T Get<T>(string name, Func<BinaryReader, T> read)
    {
        if (!sections.TryGetValue(name, out byte[]? bytes))
            throw new CheckpointException($"{Where}: expected a section '{name}', found only {string.Join(", ", sections.Keys)}.");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            T value = read(reader);
            if (reader.BaseStream.Position != bytes.Length)
                throw new CheckpointException($"{Where}: section '{name}' has {bytes.Length - reader.BaseStream.Position} unread bytes; it does not fit what reads it.");
            return value;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException or TensorException or NotSupportedException or FormatException or OverflowException)
        {
            throw new CheckpointException($"{Where}: section '{name}' does not fit: {e.Message}", e);
        }
    }

    /// <summary>Reads section <paramref name="name"/> into existing objects.</summary>
    public void Read(string name, Action<BinaryReader> read) => Get<bool>(name, r =>
    {
        read(r);
        return true;
    });

    /// <summary>Stores <paramref name="value"/> as JSON.</summary>
    public void PutJson<T>(string name, T value) => Put(name, w => w.Write(JsonSerializer.Serialize(value)));

    /// <summary>Reads a JSON section.</summary>
    public T GetJson<T>(string name) => Get(name, r =>
    {
        string json = r.ReadString();
        try
        {
            return JsonSerializer.Deserialize<T>(json) ?? throw new InvalidDataException($"expected a {typeof(T).Name}, got null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"expected JSON of a {typeof(T).Name}: {e.Message}", e);
        }
    });

    /// <summary>Stores every parameter of <paramref name="module"/> (name, dtype, shape, data).</summary>
    public void PutModule(string name, Module module) => Put(name, w => WriteTensors(w, module.NamedParameters().ToArray()));

    /// <summary>Copies the stored parameters into <paramref name="module"/>; names, dtypes and shapes must match. Checks all before copying any.</summary>
    public void ReadModule(string name, Module module) => Read(name, r =>
    {
        var stored = ReadTensors(r);
        var mine = module.NamedParameters().ToArray();
        if (stored.Count != mine.Length)
            throw new InvalidDataException($"expected {mine.Length} parameters of {module.GetType().Name}, got {stored.Count}");
        for (int i = 0; i < mine.Length; i++)
        {
            if (stored[i].Name != mine[i].Name || stored[i].Value.DType != mine[i].Parameter.DType || !stored[i].Value.Shape.SequenceEqual(mine[i].Parameter.Shape))
                throw new InvalidDataException($"parameter {i}: expected '{mine[i].Name}' {mine[i].Parameter.Describe()}, got '{stored[i].Name}' {stored[i].Value.Describe()}");
        }
        for (int i = 0; i < mine.Length; i++) mine[i].Parameter.CopyFrom(stored[i].Value);
    });

    /// <summary>Stores an optimizer's step count, learning rate and state tensors.</summary>
    public void PutOptimizer(string name, Optimizer optimizer) => Put(name, w =>
    {
        w.Write(optimizer.StepCount);
        w.Write(optimizer.LearningRate);
        WriteTensors(w, optimizer.StateTensors());
    });

    /// <summary>Restores an optimizer saved by <see cref="PutOptimizer"/>.</summary>
    public void ReadOptimizer(string name, Optimizer optimizer) => Read(name, r =>
    {
        int steps = r.ReadInt32();
        double learningRate = r.ReadDouble();
        var state = ReadTensors(r);
        optimizer.LoadState(steps, state);
        optimizer.LearningRate = learningRate;
    });

    /// <summary>Stores a generator's state.</summary>
    public void PutRng(string name, Rng rng) => Put(name, w => rng.GetState().Write(w));

    /// <summary>A generator continuing from the stored state.</summary>
    public Rng GetRng(string name) => Get(name, r => Rng.FromState(RngState.Read(r)));

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically.</summary>
    public void Save(string path)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(sections.Count);
            foreach ((string name, byte[] bytes) in sections)
            {
                w.Write(name);
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        }
        byte[] content = body.ToArray();
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        AtomicFile.Write(path, file =>
        {
            using var w = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(content.LongLength);
            w.Write(content);
            w.Write(SHA256.HashData(content));
        });
    }

    /// <summary>Reads and verifies a checkpoint file.</summary>
    /// <exception cref="CheckpointException">Missing, truncated, corrupt, or not a checkpoint of this version.</exception>
    public static Checkpoint Load(string path)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot read the checkpoint ({e.Message}).", e);
        }
        if (file.Length < 16 || !file.AsSpan(0, 4).SequenceEqual(Magic))
            throw new CheckpointException($"{path}: not a Control checkpoint (expected the CTLC header).");
        int version = BitConverter.ToInt32(file, 4);
        if (version != FormatVersion)
        {
            throw new CheckpointException(
                $"{path}: expected checkpoint format version {FormatVersion}, got {version}" + (version < FormatVersion
                    ? "; checkpoints of older versions name their sections differently and cannot be read (train again to get one of this version)."
                    : "; it was written by a newer version of Control."));
        }
        long length = BitConverter.ToInt64(file, 8);
        if (length < 0 || file.LongLength != 16 + length + 32)
            throw new CheckpointException($"{path}: truncated or padded checkpoint ({file.Length} bytes for a {length}-byte body).");
        var content = file.AsSpan(16, (int)length);
        if (!SHA256.HashData(content).AsSpan().SequenceEqual(file.AsSpan(16 + (int)length, 32)))
            throw new CheckpointException($"{path}: checksum mismatch (the checkpoint is corrupt).");
        var checkpoint = new Checkpoint { Source = path };
        try
        {
            using var r = new BinaryReader(new MemoryStream(file, 16, (int)length), Encoding.UTF8);
            int count = r.ReadInt32();
            if (count < 0) throw new CheckpointException($"{path}: expected a section count >= 0, got {count}.");
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                int size = r.ReadInt32();
                long left = r.BaseStream.Length - r.BaseStream.Position;
                if (size < 0 || size > left)
                    throw new CheckpointException($"{path}: section '{name}' declares {size} bytes; expected 0 to the {left} bytes left in the file.");
                checkpoint.sections[name] = r.ReadBytes(size);
            }
            if (r.BaseStream.Position != r.BaseStream.Length)
                throw new CheckpointException($"{path}: {r.BaseStream.Length - r.BaseStream.Position} bytes follow the {count} sections; the section table does not fit the body.");
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw new CheckpointException($"{path}: the section table is cut short or garbled ({e.Message}).", e);
        }
        return checkpoint;
    }

    private string Where => Source ?? "checkpoint";

    /// <summary>
    /// Reads a count of items stored next in a section, each at least <paramref name="bytesEach"/> bytes: a count
    /// below zero or beyond what the section's remaining bytes can hold is refused before anything is allocated for it.
    /// </summary>
    /// <exception cref="InvalidDataException">The count is negative or larger than the rest of the section.</exception>
    public static int ReadCount(BinaryReader reader, int bytesEach, string what)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int count = reader.ReadInt32();
        long left = reader.BaseStream.Length - reader.BaseStream.Position;
        if (count < 0 || (long)count * Math.Max(1, bytesEach) > left)
            throw new InvalidDataException($"expected a {what} from 0 to {left / Math.Max(1, bytesEach)} (the {left} bytes left), got {count}");
        return count;
    }

    internal static void WriteTensors(BinaryWriter w, IReadOnlyList<(string Name, Tensor Value)> tensors)
    {
        w.Write(tensors.Count);
        foreach ((string name, Tensor t) in tensors)
        {
            w.Write(name);
            w.Write((byte)t.DType);
            w.Write((byte)t.Rank);
            foreach (int d in t.Shape) w.Write(d);
            if (t.DType == DType.Float32) w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<float>()));
            else w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Span<double>()));
        }
    }

    internal static List<(string Name, Tensor Value)> ReadTensors(BinaryReader r)
    {
        int count = ReadCount(r, 3, "tensor count");
        var result = new List<(string, Tensor)>(count);
        for (int i = 0; i < count; i++)
        {
            string name = r.ReadString();
            var dtype = (DType)r.ReadByte();
            int rank = r.ReadByte();
            if (dtype is not (DType.Float32 or DType.Float64) || rank > Tensor.MaxRank)
                throw new InvalidDataException($"tensor '{name}': unknown dtype {(int)dtype} or rank {rank}");
            var shape = new int[rank];
            long size = 1;
            for (int d = 0; d < rank; d++)
            {
                shape[d] = r.ReadInt32();
                size *= shape[d];
                if (shape[d] < 0 || size > int.MaxValue / 8) throw new InvalidDataException($"tensor '{name}': impossible shape");
            }
            int byteCount = (int)size * (dtype == DType.Float32 ? 4 : 8);
            if (byteCount > r.BaseStream.Length - r.BaseStream.Position)
                throw new EndOfStreamException($"tensor '{name}' of shape [{string.Join(", ", shape)}] needs {byteCount} bytes; {r.BaseStream.Length - r.BaseStream.Position} are left");
            using (TensorScope.Suspend())
            {
                Tensor t = Tensor.Zeros(dtype, shape);
                byte[] bytes = r.ReadBytes(byteCount);
                if (bytes.Length != byteCount) throw new EndOfStreamException($"tensor '{name}' is cut short");
                if (dtype == DType.Float32) System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).CopyTo(t.Span<float>());
                else System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes).CopyTo(t.Span<double>());
                result.Add((name, t));
            }
        }
        return result;
    }
}
