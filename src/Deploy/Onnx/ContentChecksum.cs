// The content checksum of an exported policy, checked on the robot side without a protobuf library: the exporter
// writes it as the model's last metadata entry, and since protobuf writes a message's fields in field-number order
// (metadata_props, field 14, is the last field Control writes) that entry is the file's last 92 bytes:
//   0x72 (field 14, length-delimited) 0x5A (90 bytes) 0x0A (key) 0x16 (22) "control.content_sha256" 0x12 (value) 0x40 (64) <64 hex digits>
// and the digits are the SHA-256 of every byte before it.
using System.Security.Cryptography;
using System.Text;

namespace Control.Deploy.Onnx;

/// <summary>Checks the content checksum at the end of an exported policy file.</summary>
public static class ContentChecksum
{
    private const int DigestLength = 64;
    private static readonly byte[] Prefix = BuildPrefix();

    /// <summary>Bytes of the trailing checksum entry.</summary>
    public static int EntryLength => Prefix.Length + DigestLength;

    /// <summary>
    /// Null when <paramref name="model"/> ends with a checksum entry that matches the bytes before it; otherwise what
    /// is wrong (no entry at the end, or a mismatch, with the stored and computed digests).
    /// </summary>
    public static string? Check(ReadOnlySpan<byte> model)
    {
        if (model.Length < EntryLength || !model[^EntryLength..].StartsWith(Prefix))
            return $"expected the content checksum ({OnnxContract.Keys.ContentSha256}) as the file's last {EntryLength} bytes, as Control's exporter writes it";
        string stored = Encoding.ASCII.GetString(model[^DigestLength..]);
        string computed = Convert.ToHexStringLower(SHA256.HashData(model[..^EntryLength]));
        return stored == computed ? null : $"content checksum mismatch (the file is corrupt or was edited): stored {stored}, computed {computed}";
    }

    private static byte[] BuildPrefix()
    {
        byte[] key = Encoding.ASCII.GetBytes(OnnxContract.Keys.ContentSha256);
        int entry = 2 + key.Length + 2 + DigestLength;
        return [0x72, (byte)entry, 0x0A, (byte)key.Length, .. key, 0x12, DigestLength];
    }
}
