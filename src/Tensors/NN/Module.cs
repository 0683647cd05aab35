// Modules: named parameters and sub-modules, as torch.nn.Module, plus what RL needs on top: all parameters as
// one flat vector (TRPO's line search and conjugate gradient), copying weights (target networks), and a
// versioned, checksummed state file.
using System.Security.Cryptography;
using System.Text;
using Control.Core;

namespace Control.Tensors.NN;

/// <summary>A differentiable function with named parameters, composed of named sub-modules.</summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Parameter)> parameters = [];
    private readonly List<(string Name, Module Child)> children = [];

    /// <summary>Applies the module.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Adds a parameter (made to require grad, named, and kept out of any TensorScope).</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        if (parameters.Any(p => p.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: a parameter or module named '{name}' is already registered.");
        Tensor parameter = value.IsDisposed || value.Storage.Pooled ? value.Keep() : value;
        parameter.RequiresGrad = true;
        parameter.Name = name;
        parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>Adds a sub-module.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        if (parameters.Any(p => p.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: a parameter or module named '{name}' is already registered.");
        children.Add((name, module));
        return module;
    }

    /// <summary>Parameters with dotted names ("0.weight"), this module's first, then each child's in order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        foreach ((string name, Tensor p) in parameters) yield return (name, p);
        foreach ((string prefix, Module child) in children)
        {
            foreach ((string name, Tensor p) in child.NamedParameters()) yield return ($"{prefix}.{name}", p);
        }
    }

    /// <summary>All parameters in <see cref="NamedParameters"/> order.</summary>
    public IReadOnlyList<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter).ToArray();

    /// <summary>Total number of parameter elements.</summary>
    public int ParameterCount => NamedParameters().Sum(p => p.Parameter.Size);

    /// <summary>Makes every parameter's gradient zero (keeping the buffers).</summary>
    public void ZeroGrad()
    {
        foreach ((_, Tensor p) in NamedParameters()) p.ZeroGrad();
    }

    /// <summary>All parameters as one vector (a copy, not recorded), in <see cref="NamedParameters"/> order.</summary>
    public Tensor FlattenParameters() => Flatten(Parameters(), p => p);

    /// <summary>All gradients as one vector (zeros where a parameter has none).</summary>
    public Tensor FlattenGradients() => Flatten(Parameters(), p => p.Grad);

    /// <summary>Sets all parameters from one vector laid out as <see cref="FlattenParameters"/>.</summary>
    public void LoadFlatParameters(Tensor vector)
    {
        IReadOnlyList<Tensor> ps = Parameters();
        int total = ps.Sum(p => p.Size);
        if (vector.Rank != 1 || vector.Size != total)
            throw new TensorException($"LoadFlatParameters: expected a vector of {total} elements, got shape {Tensor.Format(vector.Shape)}.");
        int offset = 0;
        foreach (Tensor p in ps)
        {
            Tensor.CheckSameDType(p, vector, "LoadFlatParameters");
            p.CopyFrom(vector.Narrow(0, offset, p.Size).Detach().Reshape(p.ShapeArray()));
            offset += p.Size;
        }
    }

    /// <summary>Copies every parameter value from a module of the same structure (e.g. into a target network).</summary>
    public void CopyParametersFrom(Module source)
    {
        var mine = NamedParameters().ToArray();
        var theirs = source.NamedParameters().ToArray();
        CheckSameStructure(mine, theirs.Select(t => (t.Name, t.Parameter.ShapeArray(), t.Parameter.DType)).ToArray(), source.GetType().Name);
        for (int i = 0; i < mine.Length; i++) mine[i].Parameter.CopyFrom(theirs[i].Parameter);
    }

    /// <summary>Polyak averaging: this = (1 - tau) this + tau source (soft target-network update).</summary>
    public void SoftUpdateFrom(Module source, double tau)
    {
        var mine = Parameters();
        var theirs = source.Parameters();
        for (int i = 0; i < mine.Count; i++)
        {
            Tensor.CheckSameShape(mine[i], theirs[i], "SoftUpdateFrom");
            using (Autograd.NoGrad())
            {
                Tensor mixed = mine[i].Detach() * (1 - tau) + theirs[i].Detach() * tau;
                mine[i].CopyFrom(mixed);
            }
        }
    }

    private static Tensor Flatten(IReadOnlyList<Tensor> ps, Func<Tensor, Tensor?> pick)
    {
        if (ps.Count == 0) throw new TensorException("Flatten: the module has no parameters.");
        Tensor vector = Tensor.Zeros(ps[0].DType, ps.Sum(p => p.Size));
        int offset = 0;
        foreach (Tensor p in ps)
        {
            Tensor? t = pick(p);
            if (t is not null)
            {
                if (p.DType == DType.Float32) t.Span<float>().CopyTo(vector.Span<float>().Slice(offset));
                else t.Span<double>().CopyTo(vector.Span<double>().Slice(offset));
            }
            offset += p.Size;
        }
        return vector;
    }

    // ------------------------------------------------------------------ state files

    private static readonly byte[] Magic = "CTLM"u8.ToArray();
    private const int FormatVersion = 1;

    /// <summary>
    /// Writes every parameter (name, dtype, shape, little-endian data) to <paramref name="path"/>, with a format
    /// version and a SHA-256 checksum; written to a temporary file first and renamed, so a crash leaves no half file.
    /// </summary>
    public void Save(string path)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            var ps = NamedParameters().ToArray();
            w.Write(ps.Length);
            foreach ((string name, Tensor p) in ps)
            {
                w.Write(name);
                w.Write((byte)p.DType);
                w.Write((byte)p.Rank);
                foreach (int d in p.Shape) w.Write(d);
                if (p.DType == DType.Float32) foreach (float v in p.Span<float>()) w.Write(v);
                else foreach (double v in p.Span<double>()) w.Write(v);
            }
        }
        byte[] content = body.ToArray();
        AtomicFile.Write(path, file =>
        {
            using var w = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(content.Length);
            w.Write(content);
            w.Write(SHA256.HashData(content));
        });
    }

    /// <summary>Reads a file written by <see cref="Save"/> into this module; names, dtypes and shapes must match.</summary>
    public void Load(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 12 || !file.AsSpan(0, 4).SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a Control module state file (expected the CTLM header).");
        int version = BitConverter.ToInt32(file, 4);
        if (version != FormatVersion)
            throw new InvalidDataException($"{path}: expected state format version {FormatVersion}, got {version}.");
        int length = BitConverter.ToInt32(file, 8);
        if (length < 0 || file.Length != 12 + length + 32)
            throw new InvalidDataException($"{path}: truncated or padded file ({file.Length} bytes for a {length}-byte body).");
        ReadOnlySpan<byte> content = file.AsSpan(12, length);
        if (!SHA256.HashData(content).AsSpan().SequenceEqual(file.AsSpan(12 + length, 32)))
            throw new InvalidDataException($"{path}: checksum mismatch (the file is corrupt).");

        var entries = new List<(string Name, int[] Shape, DType DType, int Offset)>();
        try
        {
            using var r = new BinaryReader(new MemoryStream(file, 12, length));
            int count = r.ReadInt32();
            if (count < 0 || count > length / 3) throw new InvalidDataException($"{path}: expected a parameter count from 0 to {length / 3}, got {count}.");
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                var dtype = (DType)r.ReadByte();
                int rank = r.ReadByte();
                if (dtype is not (DType.Float32 or DType.Float64) || rank > Tensor.MaxRank)
                    throw new InvalidDataException($"{path}: parameter '{name}' has the unknown dtype {(int)dtype} or the rank {rank} (at most {Tensor.MaxRank}).");
                var shape = new int[rank];
                long bytes = dtype == DType.Float32 ? 4 : 8;
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = r.ReadInt32();
                    bytes *= shape[d];
                    if (shape[d] < 0 || bytes > length) throw new InvalidDataException($"{path}: parameter '{name}' has a shape that does not fit the file's {length}-byte body.");
                }
                if (r.BaseStream.Position + bytes > length)
                    throw new InvalidDataException($"{path}: parameter '{name}' needs {bytes} bytes; {length - r.BaseStream.Position} are left.");
                entries.Add((name, shape, dtype, 12 + (int)r.BaseStream.Position));
                r.BaseStream.Position += bytes;
            }
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw new InvalidDataException($"{path}: the parameter table is cut short or garbled ({e.Message}).", e);
        }
        var mine = NamedParameters().ToArray();
        CheckSameStructure(mine, entries.Select(e => (e.Name, e.Shape, e.DType)).ToArray(), path);
        for (int i = 0; i < mine.Length; i++)
        {
            Tensor p = mine[i].Parameter;
            int bytes = p.Size * (p.DType == DType.Float32 ? 4 : 8);
            ReadOnlySpan<byte> data = file.AsSpan(entries[i].Offset, bytes);
            if (p.DType == DType.Float32) System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data).CopyTo(p.Span<float>());
            else System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(data).CopyTo(p.Span<double>());
        }
    }

    private static void CheckSameStructure((string Name, Tensor Parameter)[] mine, (string Name, int[] Shape, DType DType)[] theirs, string source)
    {
        if (mine.Length != theirs.Length)
            throw new InvalidDataException($"{source}: expected {mine.Length} parameters ({string.Join(", ", mine.Select(m => m.Name))}), got {theirs.Length}.");
        for (int i = 0; i < mine.Length; i++)
        {
            (string name, Tensor p) = mine[i];
            if (name != theirs[i].Name || !p.Shape.SequenceEqual(theirs[i].Shape) || p.DType != theirs[i].DType)
            {
                throw new InvalidDataException(
                    $"{source}: parameter {i} is {theirs[i].Name} {theirs[i].DType.Name()} {Tensor.Format(theirs[i].Shape)}, expected {name} {p.DType.Name()} {Tensor.Format(p.Shape)}.");
            }
        }
    }
}
