// Saving and loading a TransitionDataset in its binary format. Version 1, every number little-endian:
//   offset  0   8 bytes   magic "CTLTRANS"
//   offset  8   int32     format version (1)
//   offset 12   int32     state size n
//   offset 16   int32     control size m
//   offset 20   int64     row count N
//   offset 28             N*n float64 states, N*m float64 controls, N*n float64 next states, N float64 rewards,
//                         N bytes terminated (0 or 1)
//   last 32     bytes     SHA-256 of every byte before it
// Save writes a temporary file and renames it over the target, so a reader never sees half a file. Load checks
// magic, version, size and checksum before it builds anything: a damaged file is an InvalidDataException that
// names the file and the check that failed, never a partly loaded dataset.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Control.Core;

namespace Control.Dynamics.Data;

public sealed partial class TransitionDataset
{
    /// <summary>The eight bytes every saved dataset starts with.</summary>
    public static ReadOnlySpan<byte> FileMagic => "CTLTRANS"u8;

    /// <summary>Version of the binary format that <see cref="Save"/> writes and <see cref="Load"/> reads.</summary>
    public const int FileVersion = 1;

    private const int HeaderBytes = 28;
    private const int ChecksumBytes = 32;

    /// <summary>
    /// Writes the dataset to <paramref name="path"/> in the versioned binary format with a SHA-256 checksum,
    /// atomically (a temporary file in the same directory, then a rename). Values round-trip bitwise.
    /// </summary>
    public void Save(string path)
    {
        AtomicFile.Write(path, stream =>
        {
            using var output = new HashingWriter(stream);
            Span<byte> header = stackalloc byte[HeaderBytes];
            FileMagic.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], FileVersion);
            BinaryPrimitives.WriteInt32LittleEndian(header[12..], StateSize);
            BinaryPrimitives.WriteInt32LittleEndian(header[16..], ControlSize);
            BinaryPrimitives.WriteInt64LittleEndian(header[20..], Count);
            output.Write(header);
            output.Write(States);
            output.Write(Controls);
            output.Write(NextStates);
            output.Write(Rewards);
            foreach (bool t in Terminated) output.Write(t ? (byte)1 : (byte)0);
            output.WriteChecksum();
        });
    }

    /// <summary>
    /// Writes n, m, the row count and every row (states, controls, next states, rewards, terminated flags) to
    /// <paramref name="writer"/>: the dataset as one part of a bigger file (a checkpoint), read back by <see cref="Read"/>.
    /// Values round-trip bitwise.
    /// </summary>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(StateSize);
        writer.Write(ControlSize);
        writer.Write(Count);
        foreach (double v in States) writer.Write(v);
        foreach (double v in Controls) writer.Write(v);
        foreach (double v in NextStates) writer.Write(v);
        foreach (double v in Rewards) writer.Write(v);
        foreach (bool t in Terminated) writer.Write(t);
    }

    /// <summary>Replaces the rows by those <see cref="Write"/> wrote; the sizes must be this dataset's.</summary>
    /// <exception cref="InvalidDataException">Other sizes, or a row count the rest of the stream cannot hold.</exception>
    /// <exception cref="ArgumentException">A stored value is not finite (the dataset is then left as it was).</exception>
    public void Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int n = reader.ReadInt32(), m = reader.ReadInt32(), count = reader.ReadInt32();
        if (n != StateSize || m != ControlSize)
            throw new InvalidDataException($"TransitionDataset: expected transitions of {StateSize} states and {ControlSize} controls, got {n} and {m}.");
        long rowBytes = 8L * (2 * n + m + 1) + 1, left = reader.BaseStream.Length - reader.BaseStream.Position;
        if (count < 0 || count * rowBytes > left)
            throw new InvalidDataException($"TransitionDataset: expected a row count from 0 to {left / rowBytes} (the {left} bytes left), got {count}.");
        double[] Values(int length)
        {
            var values = new double[length];
            for (int i = 0; i < length; i++) values[i] = reader.ReadDouble();
            return values;
        }
        double[] x = Values(count * n), u = Values(count * m), next = Values(count * n), r = Values(count);
        var stored = new TransitionDataset(n, m, count);
        for (int row = 0; row < count; row++)
            stored.Add(x.AsSpan(row * n, n), u.AsSpan(row * m, m), next.AsSpan(row * n, n), r[row], reader.ReadBoolean());
        Clear();
        Append(stored);
    }

    /// <summary>
    /// Reads a dataset written by <see cref="Save"/>. Throws <see cref="InvalidDataException"/> naming the file
    /// when the magic, the version, the sizes, the length, the checksum or a value is wrong.
    /// </summary>
    public static TransitionDataset Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> file = bytes;
        int magicLength = Math.Min(file.Length, FileMagic.Length);
        if (!file[..magicLength].SequenceEqual(FileMagic[..magicLength]))
        {
            throw Damaged(path, $"expected the magic bytes \"CTLTRANS\" of a TransitionDataset file, got \"{Printable(file[..magicLength])}\"");
        }
        if (file.Length < HeaderBytes + ChecksumBytes)
        {
            throw Damaged(path, $"expected at least {HeaderBytes + ChecksumBytes} bytes (header and checksum), got {file.Length}: the file is truncated");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(file[8..]);
        if (version != FileVersion)
            throw Damaged(path, $"expected format version {FileVersion}, got version {version}");
        int stateSize = BinaryPrimitives.ReadInt32LittleEndian(file[12..]);
        int controlSize = BinaryPrimitives.ReadInt32LittleEndian(file[16..]);
        long count = BinaryPrimitives.ReadInt64LittleEndian(file[20..]);
        if (stateSize <= 0 || controlSize <= 0 || count < 0)
        {
            throw Damaged(path, $"expected a positive state size, a positive control size and a row count >= 0 in the header, got {stateSize}, {controlSize} and {count}");
        }

        Int128 expectedLength = HeaderBytes + ChecksumBytes + (Int128)count * ((2L * stateSize + controlSize + 1) * sizeof(double) + 1);
        if (expectedLength != file.Length)
        {
            string what = file.Length < expectedLength ? "the file is truncated" : "the file has extra bytes";
            throw Damaged(path, $"expected {expectedLength} bytes for {count} rows of {stateSize} states and {controlSize} controls, got {file.Length}: {what}");
        }

        ReadOnlySpan<byte> body = file[..^ChecksumBytes];
        ReadOnlySpan<byte> stored = file[^ChecksumBytes..];
        Span<byte> computed = stackalloc byte[ChecksumBytes];
        SHA256.HashData(body, computed);
        if (!computed.SequenceEqual(stored))
        {
            throw Damaged(path, $"expected the stored SHA-256 checksum {Convert.ToHexStringLower(stored)}, computed {Convert.ToHexStringLower(computed)}: the file is corrupted");
        }

        int rows = (int)count;
        var dataset = new TransitionDataset(stateSize, controlSize, rows);
        int offset = HeaderBytes;
        ReadColumn(path, "states", stateSize, body, ref offset, dataset.states);
        ReadColumn(path, "controls", controlSize, body, ref offset, dataset.controls);
        ReadColumn(path, "next states", stateSize, body, ref offset, dataset.nextStates);
        ReadColumn(path, "rewards", 1, body, ref offset, dataset.rewards);
        for (int i = 0; i < rows; i++)
        {
            byte flag = body[offset + i];
            if (flag > 1) throw Damaged(path, $"expected a terminated flag of 0 or 1, got {flag} in row {i}");
            dataset.terminated[i] = flag == 1;
        }
        dataset.Count = rows;
        return dataset;
    }

    private static void ReadColumn(string path, string column, int width, ReadOnlySpan<byte> body, ref int offset, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++, offset += sizeof(double))
        {
            double value = BinaryPrimitives.ReadDoubleLittleEndian(body[offset..]);
            if (!double.IsFinite(value))
                throw Damaged(path, $"expected finite {column}, got {value} at value {i} of that column (row {i / width})");
            destination[i] = value;
        }
    }

    private static InvalidDataException Damaged(string path, string message)
        => new($"{path}: not a valid TransitionDataset file: {message}.");

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes) text.Append(b is >= 0x20 and < 0x7F ? (char)b : $"\\x{b:x2}");
        return text.ToString();
    }

    /// <summary>Writes to a stream through a small buffer while hashing every byte written (SHA-256).</summary>
    private sealed class HashingWriter(Stream stream) : IDisposable
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] buffer = new byte[1 << 14];
        private int used;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes) Write(b);
        }

        public void Write(byte value)
        {
            if (used == buffer.Length) Flush();
            buffer[used++] = value;
        }

        public void Write(ReadOnlySpan<double> values)
        {
            foreach (double v in values)
            {
                if (used + sizeof(double) > buffer.Length) Flush();
                BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(used), v);
                used += sizeof(double);
            }
        }

        /// <summary>Flushes, then writes the SHA-256 of everything written so far (not hashed itself).</summary>
        public void WriteChecksum()
        {
            Flush();
            stream.Write(hash.GetHashAndReset());
        }

        public void Dispose() => hash.Dispose();

        private void Flush()
        {
            hash.AppendData(buffer, 0, used);
            stream.Write(buffer, 0, used);
            used = 0;
        }
    }
}
