// Generators of damage to a valid file (CsCheck): truncation, bit flips, huge or negative 4-byte integers written
// anywhere (declared sizes and counts), a wrong version, spans deleted or duplicated, and for text formats a line or a
// cell replaced by something else; with an optional re-seal of the checksum so the parser behind it is exercised too.
using System.Text;
using CsCheck;

namespace Control.Experiments.Tests;

/// <summary>Damage generators and their application.</summary>
public static class FileMutations
{
    private static readonly int[] Huge = [int.MaxValue, int.MinValue, -1, 0x40000000, 0x7FFFFFF0, 65536, 1 << 20];
    private static readonly string[] TextReplacements = ["", "NaN", "1e309", "-inf", "999999999999999999999", ",", "\"", "x: [", "- - -", "\t", "0", "-1", "null"];

    /// <summary>Binary damage to a file of <paramref name="length"/> bytes; <paramref name="versionOffset"/> is where its version field is (or -1).</summary>
    public static Gen<FileMutation> Binary(int length, int versionOffset, bool sealable) => Gen.OneOf(
        Gen.Int[0, length - 1].Select(Gen.Bool, (p, r) => new FileMutation("truncate", p, 0, r && sealable)),
        Gen.Int[0, length * 8 - 1].Select(Gen.Bool, (b, r) => new FileMutation("flip", b, 0, r && sealable)),
        Gen.Int[0, length - 4].Select(Gen.Int[0, Huge.Length - 1], Gen.Bool, (p, h, r) => new FileMutation("huge", p, Huge[h], r && sealable)),
        Gen.Int[-3, 1000].Select(v => new FileMutation("version", versionOffset, v, false)),
        Gen.Int[0, length - 1].Select(Gen.Int[-64, 64], Gen.Bool, (p, n, r) => new FileMutation("splice", p, n, r && sealable)));

    /// <summary>Text damage to a file of <paramref name="lines"/> lines and <paramref name="length"/> bytes.</summary>
    public static Gen<FileMutation> Text(int length, int lines) => Gen.OneOf(
        Binary(length, -1, sealable: false).Where(m => m.Kind != "version"),
        Gen.Int[0, lines - 1].Select(Gen.Int[0, TextReplacements.Length - 1], (l, t) => new FileMutation("text", l, t, false)),
        Gen.Int[0, lines - 1].Select(Gen.Int[0, TextReplacements.Length - 1], (l, t) => new FileMutation("cell", l, t, false)));

    /// <summary>The damaged copy of <paramref name="valid"/>; <paramref name="reseal"/> recomputes a checksum in place.</summary>
    public static byte[] Apply(byte[] valid, FileMutation m, Action<byte[]>? reseal = null)
    {
        byte[] bytes;
        switch (m.Kind)
        {
            case "truncate":
                bytes = valid[..m.Position];
                break;
            case "flip":
                bytes = (byte[])valid.Clone();
                bytes[m.Position / 8] ^= (byte)(1 << (m.Position % 8));
                break;
            case "huge":
                bytes = (byte[])valid.Clone();
                BitConverter.TryWriteBytes(bytes.AsSpan(m.Position, 4), m.Value);
                break;
            case "version":
                bytes = (byte[])valid.Clone();
                if (m.Position >= 0) BitConverter.TryWriteBytes(bytes.AsSpan(m.Position, 4), m.Value);
                break;
            case "splice":
                int n = Math.Min(Math.Abs(m.Value), valid.Length - m.Position);
                bytes = m.Value < 0
                    ? [.. valid[..m.Position], .. valid[(m.Position + n)..]]
                    : [.. valid[..(m.Position + n)], .. valid[m.Position..]];
                break;
            case "text":
            case "cell":
                string[] lines = Encoding.UTF8.GetString(valid).Split('\n');
                int l = Math.Min(m.Position, lines.Length - 1);
                string replacement = TextReplacements[m.Value];
                if (m.Kind == "text") lines[l] = replacement;
                else
                {
                    string[] cells = lines[l].Split(lines[l].Contains(',') ? ',' : ' ');
                    cells[cells.Length / 2] = replacement;
                    lines[l] = string.Join(lines[l].Contains(',') ? "," : " ", cells);
                }
                bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines));
                break;
            default:
                throw new ArgumentException($"unknown mutation {m.Kind}");
        }
        if (m.Reseal && reseal is not null) reseal(bytes);
        return bytes;
    }
}
