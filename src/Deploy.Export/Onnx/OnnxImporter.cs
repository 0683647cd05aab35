// ONNX file -> InferencePolicy, for the files OnnxExporter writes and nothing else. In order: the bytes must parse as
// an ONNX model with a graph; its content checksum, when present, must hold (a corrupt file says so before anything
// else); every op must be one the exporter writes (else the first other op is named); the contract metadata must be
// there at this build's contract version; then the policy is read from the graph (PolicyReader) and exported again,
// with the file's own Control version, and the file is accepted only if it is byte for byte that export. So an import
// never guesses: what it returns exports to the very bytes it read.
using System.Globalization;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Deploy.Onnx;
using Control.Policies.Common;
using Google.Protobuf;

namespace Control.Deploy.Export.Onnx;

/// <summary>Reads an ONNX file that Control exported back into an <see cref="InferencePolicy"/>.</summary>
public static class OnnxImporter
{
    /// <summary>The policy in the ONNX file at <paramref name="path"/>.</summary>
    /// <exception cref="OnnxFormatException">The file is not an ONNX policy as Control exports it (the message names the file and what is wrong).</exception>
    /// <exception cref="IOException">The file cannot be read (e.g. <see cref="FileNotFoundException"/>).</exception>
    public static ImportedPolicy Import(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Import(File.ReadAllBytes(path), path);
    }

    /// <summary>The policy in <paramref name="bytes"/>; <paramref name="source"/> names them in errors (a path or a description).</summary>
    /// <exception cref="OnnxFormatException">The bytes are not an ONNX policy as Control exports it.</exception>
    public static ImportedPolicy Import(ReadOnlySpan<byte> bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException(source, $"not an ONNX model: the protobuf does not parse ({e.Message}); the file is truncated or of another format", e);
        }
        if (model.Graph is null)
            throw new OnnxFormatException(source, $"not an ONNX model: no graph in {bytes.Length} bytes (an empty, truncated or non-ONNX file)");
        if (model.MetadataProps.Count > 0 && model.MetadataProps[^1].Key == OnnxNames.ContentSha256Key && ModelChecksum.Check(model) is { } corrupt)
            throw new OnnxFormatException(source, corrupt);
        CheckOps(source, model.Graph);
        Dictionary<string, string> metadata = Metadata(source, model);
        (OnnxExportOptions options, int observationSize) = Form(source, model);
        string version = metadata[OnnxContract.Keys.ControlVersion];
        Space observationSpace = ReadSpace(source, metadata, OnnxContract.Keys.ObservationSpace);
        Space actionSpace = ReadSpace(source, metadata, OnnxContract.Keys.ActionSpace);
        double? epsilon = null;
        if (metadata.TryGetValue(OnnxNames.NormalizerEpsilonKey, out string? text))
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                throw new OnnxFormatException(source, $"metadata {OnnxNames.NormalizerEpsilonKey}: expected a number, got \"{text}\"");
            epsilon = value;
        }
        PolicyInput input = PolicyInput.Observation;
        if (metadata.TryGetValue(OnnxContract.Keys.PolicyInput, out string? inputText))
        {
            input = inputText == OnnxContract.StateInput
                ? PolicyInput.State
                : throw new OnnxFormatException(source, $"metadata {OnnxContract.Keys.PolicyInput}: expected \"{OnnxContract.StateInput}\" (or no entry for an observation policy), got \"{inputText}\"");
        }
        InferencePolicy policy = PolicyReader.Read(source, model.Graph, observationSize, metadata[OnnxContract.Keys.ActionHead], actionSpace, epsilon);
        var info = new OnnxModelInfo(metadata[OnnxContract.Keys.Env], metadata[OnnxContract.Keys.Algorithm], metadata[OnnxContract.Keys.CheckpointSha256], observationSpace, input);
        ModelProto expected;
        try
        {
            expected = OnnxExporter.Build(policy, info, options, version);
        }
        catch (ArgumentException e)
        {
            throw new OnnxFormatException(source, $"the metadata does not fit the graph's policy: {e.Message}", e);
        }
        if (!expected.ToByteArray().AsSpan().SequenceEqual(bytes))
            throw new OnnxFormatException(source, $"a structure Control's exporter does not write: {ModelDifference.Describe(expected, model)}");
        return new ImportedPolicy(policy, info, options);
    }

    // The first node whose op the exporter never writes.
    private static void CheckOps(string source, GraphProto graph)
    {
        for (int i = 0; i < graph.Node.Count; i++)
        {
            NodeProto node = graph.Node[i];
            if ((node.Domain is "" or "ai.onnx") && OnnxNames.Ops.Contains(node.OpType)) continue;
            string op = node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";
            throw new OnnxFormatException(source,
                $"unsupported op {op} (node {i}, \"{node.Name}\"): Control imports only the graphs it exports, whose ops are {string.Join(", ", OnnxNames.Ops)}");
        }
    }

    // The metadata as a dictionary, with every key of the contract present and the contract version this build's.
    private static Dictionary<string, string> Metadata(string source, ModelProto model)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (StringStringEntryProto entry in model.MetadataProps)
        {
            if (!metadata.TryAdd(entry.Key, entry.Value)) throw new OnnxFormatException(source, $"metadata key \"{entry.Key}\" appears twice");
        }
        if (!metadata.TryGetValue(OnnxContract.Keys.ContractVersion, out string? contract))
            throw new OnnxFormatException(source, $"no ONNX policy contract metadata ({OnnxContract.Keys.ContractVersion}): not a policy exported by Control");
        if (contract != OnnxContract.Version.ToString(CultureInfo.InvariantCulture))
            throw new OnnxFormatException(source, $"ONNX policy contract version \"{contract}\", this build reads version {OnnxContract.Version}");
        string[] required =
        [
            OnnxContract.Keys.Env, OnnxContract.Keys.ObservationSpace, OnnxContract.Keys.ActionSpace, OnnxContract.Keys.Algorithm,
            OnnxContract.Keys.CheckpointSha256, OnnxContract.Keys.ControlVersion, OnnxContract.Keys.ActionHead, OnnxNames.ContentSha256Key,
        ];
        foreach (string key in required)
        {
            if (!metadata.ContainsKey(key)) throw new OnnxFormatException(source, $"contract metadata key {key} is missing");
        }
        return metadata;
    }

    // The opset and batch form, and the observation size, from the opset import and the graph's input.
    private static (OnnxExportOptions, int) Form(string source, ModelProto model)
    {
        if (model.OpsetImport.Count != 1 || model.OpsetImport[0].Domain != "" || model.OpsetImport[0].Version is < OnnxContract.MinimumOpset or > OnnxContract.DefaultOpset)
        {
            throw new OnnxFormatException(source,
                $"expected one opset import of the standard domain, version {OnnxContract.MinimumOpset} to {OnnxContract.DefaultOpset}, got [{string.Join(", ", model.OpsetImport.Select(o => $"\"{o.Domain}\" {o.Version}"))}]");
        }
        GraphProto graph = model.Graph;
        TensorShapeProto? shape = graph.Input.Count == 1 && graph.Input[0].Name == OnnxContract.Observation ? graph.Input[0].Type?.TensorType?.Shape : null;
        if (shape is null || shape.Dim.Count != 2 || !shape.Dim[1].HasDimValue || shape.Dim[1].DimValue is <= 0 or > 1 << 20
            || !(shape.Dim[0].DimParam == OnnxContract.BatchDimension || shape.Dim[0].DimValue == 1))
        {
            throw new OnnxFormatException(source,
                $"expected the one input {OnnxContract.Observation} [{OnnxContract.BatchDimension} or 1, obs_dim], got [{string.Join("; ", graph.Input.Select(i => i.ToString()))}]");
        }
        var options = new OnnxExportOptions { Opset = (int)model.OpsetImport[0].Version, StaticBatch = shape.Dim[0].HasDimValue };
        return (options, (int)shape.Dim[1].DimValue);
    }

    private static Space ReadSpace(string source, Dictionary<string, string> metadata, string key)
    {
        try
        {
            return SpaceJson.Read(metadata[key]);
        }
        catch (FormatException e)
        {
            throw new OnnxFormatException(source, $"metadata {key}: {e.Message}", e);
        }
    }
}
