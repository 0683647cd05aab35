// The first place where a model differs from the one the exporter writes for the policy read from it, in words: the
// importer's message when a file holds the right parts in a structure the exporter does not write.
using Google.Protobuf.Collections;

namespace Control.Deploy.Export.Onnx;

/// <summary>Describes the first difference between an expected and an actual model.</summary>
internal static class ModelDifference
{
    /// <summary>The first difference, header and metadata first, then the graph's inputs, outputs, nodes and initializers.</summary>
    public static string Describe(ModelProto expected, ModelProto actual)
    {
        if (expected.IrVersion != actual.IrVersion) return $"ir_version {actual.IrVersion}, expected {expected.IrVersion}";
        if (!expected.OpsetImport.Equals(actual.OpsetImport)) return $"opset_import [{Opsets(actual.OpsetImport)}], expected [{Opsets(expected.OpsetImport)}]";
        if (expected.ProducerName != actual.ProducerName) return $"producer_name \"{actual.ProducerName}\", expected \"{expected.ProducerName}\"";
        if (expected.DocString != actual.DocString) return "the model's doc_string differs from the one the exporter writes";
        // The checksums differ whenever anything else does: compare the entries before them.
        string? metadata = First(Unsealed(expected.MetadataProps), Unsealed(actual.MetadataProps), "metadata entry", e => $"{e.Key} = {e.Value}");
        if (metadata is not null) return metadata;
        GraphProto e = expected.Graph, a = actual.Graph;
        if (e.Name != a.Name) return $"graph name \"{a.Name}\", expected \"{e.Name}\"";
        return First(e.Input, a.Input, "graph input", v => v.ToString())
            ?? First(e.Output, a.Output, "graph output", v => v.ToString())
            ?? First(e.Node, a.Node, "node", Node)
            ?? First(e.Initializer, a.Initializer, "initializer", t => $"\"{t.Name}\" type {t.DataType} dims [{string.Join(", ", t.Dims)}]")
            ?? First(e.ValueInfo, a.ValueInfo, "value_info entry", v => v.ToString())
            ?? "fields the exporter does not write (the bytes differ from the exporter's, every declared field is equal)";
    }

    private static string? First<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, string what, Func<T, string> describe) where T : class
    {
        for (int i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            if (i >= actual.Count) return $"{what} {i} missing, expected {describe(expected[i])}";
            if (i >= expected.Count) return $"an extra {what} {i}: {describe(actual[i])}";
            if (!expected[i].Equals(actual[i]))
            {
                string e = describe(expected[i]), a = describe(actual[i]);
                return e == a ? $"{what} {i} ({a}) differs from the exporter's in its values or attributes" : $"{what} {i} is {a}, expected {e}";
            }
        }
        return null;
    }

    private static StringStringEntryProto[] Unsealed(RepeatedField<StringStringEntryProto> metadata) =>
        [.. metadata.Where(e => e.Key != OnnxNames.ContentSha256Key)];

    private static string Node(NodeProto node) =>
        $"{(node.Domain.Length == 0 ? "" : node.Domain + ".")}{node.OpType} \"{node.Name}\" ({string.Join(", ", node.Input)} -> {string.Join(", ", node.Output)})";

    private static string Opsets(RepeatedField<OperatorSetIdProto> opsets) => string.Join(", ", opsets.Select(o => $"\"{o.Domain}\" {o.Version}"));
}
