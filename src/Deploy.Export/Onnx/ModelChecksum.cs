// The content checksum of an exported model: SHA-256 of the model serialized without its last metadata entry, which
// holds the checksum itself (OnnxNames.ContentSha256Key). Google.Protobuf writes fields in field-number order, so a
// parsed model without unknown fields serializes to the bytes it was read from.
using System.Security.Cryptography;
using Google.Protobuf;

namespace Control.Deploy.Export.Onnx;

/// <summary>Seals a model with its content checksum and checks one.</summary>
internal static class ModelChecksum
{
    /// <summary>Appends the checksum entry to <paramref name="model"/>'s metadata.</summary>
    public static void Seal(ModelProto model) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxNames.ContentSha256Key, Value = Compute(model) });

    /// <summary>
    /// Null when the last metadata entry is the checksum of the rest of the model; else what is wrong. The model is left
    /// as it came.
    /// </summary>
    public static string? Check(ModelProto model)
    {
        int last = model.MetadataProps.Count - 1;
        if (last < 0 || model.MetadataProps[last].Key != OnnxNames.ContentSha256Key)
            return $"expected the content checksum as the last metadata entry ({OnnxNames.ContentSha256Key}), got {(last < 0 ? "no metadata" : $"\"{model.MetadataProps[last].Key}\"")}";
        StringStringEntryProto entry = model.MetadataProps[last];
        model.MetadataProps.RemoveAt(last);
        string actual = Compute(model);
        model.MetadataProps.Add(entry);
        return actual == entry.Value ? null : $"content checksum mismatch (the file is corrupt or was edited): stored {entry.Value}, computed {actual}";
    }

    private static string Compute(ModelProto model) => Convert.ToHexStringLower(SHA256.HashData(model.ToByteArray()));
}
