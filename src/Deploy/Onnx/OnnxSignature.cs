// Reads the metadata, input and outputs of an ONNX Runtime session and checks them against the policy contract
// (OnnxContract): the contract version, the two spaces as JSON, one float32 [batch, obs_dim] input named
// "observation", an "action" output whose type follows the action space, and only the optional outputs the
// contract names, each with its type and width. The first difference found is the error.
using System.Collections.ObjectModel;
using System.Globalization;
using Control.Core.Envs;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Control.Deploy.Onnx;

/// <summary>The checked IO of a policy file.</summary>
internal sealed class OnnxSignature
{
    private OnnxSignature(IReadOnlyDictionary<string, string> metadata, Space observationSpace, Space actionSpace,
        bool staticBatch, IReadOnlyList<OnnxOutput> outputs)
    {
        Metadata = metadata;
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        StaticBatch = staticBatch;
        Outputs = outputs;
    }

    /// <summary>The file's metadata_props.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The observation space of the metadata.</summary>
    public Space ObservationSpace { get; }

    /// <summary>The action space of the metadata.</summary>
    public Space ActionSpace { get; }

    /// <summary>Whether the batch dimension is fixed to 1.</summary>
    public bool StaticBatch { get; }

    /// <summary>The outputs in the file's order.</summary>
    public IReadOnlyList<OnnxOutput> Outputs { get; }

    /// <summary>Reads and checks the session of <paramref name="source"/>.</summary>
    /// <exception cref="OnnxContractException">The first difference from the contract.</exception>
    public static OnnxSignature Read(InferenceSession session, string source)
    {
        var metadata = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap));
        string version = Require(metadata, OnnxContract.Keys.ContractVersion, $"the contract version {OnnxContract.Version}", source);
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v != OnnxContract.Version)
        {
            throw new OnnxContractException(source,
                $"metadata \"{OnnxContract.Keys.ContractVersion}\" is \"{version}\": expected contract version {OnnxContract.Version}, the one this build reads");
        }
        Space observationSpace = ReadSpace(metadata, OnnxContract.Keys.ObservationSpace, "observation", source);
        Space actionSpace = ReadSpace(metadata, OnnxContract.Keys.ActionSpace, "action", source);

        bool staticBatch = ReadInput(session, observationSpace, source);
        if (!session.OutputMetadata.ContainsKey(OnnxContract.Action))
        {
            throw new OnnxContractException(source,
                $"expected an output \"{OnnxContract.Action}\" ({ExpectedAction(actionSpace, staticBatch)}), found outputs {Quote(session.OutputNames)}");
        }
        var outputs = new List<OnnxOutput>();
        foreach (string name in session.OutputNames)
        {
            outputs.Add(ReadOutput(name, session.OutputMetadata[name], actionSpace, staticBatch, source));
        }
        return new OnnxSignature(metadata, observationSpace, actionSpace, staticBatch, outputs);
    }

    private static string Require(IReadOnlyDictionary<string, string> metadata, string key, string what, string source)
    {
        if (metadata.TryGetValue(key, out string? value)) return value;
        string found = metadata.Count == 0 ? "the file has no metadata_props" : $"found keys {Quote(metadata.Keys.Order(StringComparer.Ordinal))}";
        throw new OnnxContractException(source,
            $"no metadata \"{key}\": expected {what} in the metadata_props of an ONNX policy exported by Control; {found}");
    }

    private static Space ReadSpace(IReadOnlyDictionary<string, string> metadata, string key, string role, string source)
    {
        string json = Require(metadata, key, $"the {role} space as JSON", source);
        try
        {
            return SpaceJson.Read(json);
        }
        catch (FormatException e)
        {
            throw new OnnxContractException(source, $"metadata \"{key}\" is not the {role} space: {e.Message}", e);
        }
    }

    // The one input; returns whether its batch dimension is fixed to 1.
    private static bool ReadInput(InferenceSession session, Space observationSpace, string source)
    {
        int obsDim = observationSpace.FlatSize;
        string expected = $"float32 [{OnnxContract.BatchDimension}, {obsDim}] (the observation space {observationSpace.Describe()} holds {obsDim} values)";
        if (session.InputMetadata.Count != 1 || !session.InputMetadata.TryGetValue(OnnxContract.Observation, out NodeMetadata? input))
        {
            throw new OnnxContractException(source,
                $"expected one input \"{OnnxContract.Observation}\" {expected}, found inputs {Quote(session.InputMetadata.Keys)}");
        }
        int[] dims = input.IsTensor ? input.Dimensions : [];
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float || dims.Length != 2 || (dims[0] != -1 && dims[0] != 1) || dims[1] != obsDim)
        {
            throw new OnnxContractException(source, $"input \"{OnnxContract.Observation}\": expected {expected}, found {Describe(input)}");
        }
        return dims[0] == 1;
    }

    private static OnnxOutput ReadOutput(string name, NodeMetadata node, Space actionSpace, bool staticBatch, string source)
    {
        // Expected element type, width (0: a rank-1 [batch] tensor) and whether one row may stand for every row.
        (TensorElementType Type, int Width, bool MayBeOneRow, string? Refusal) expected = (name, actionSpace) switch
        {
            (OnnxContract.Action, Discrete) => (TensorElementType.Int64, 0, false, null),
            (OnnxContract.Action, _) => (TensorElementType.Float, actionSpace.FlatSize, false, null),
            (OnnxContract.ActionMean, Box) => (TensorElementType.Float, actionSpace.FlatSize, false, null),
            (OnnxContract.LogStd, Box) => (TensorElementType.Float, actionSpace.FlatSize, true, null),
            (OnnxContract.Logits or OnnxContract.QValues, Discrete d) => (TensorElementType.Float, d.N, false, null),
            (OnnxContract.ActionMean or OnnxContract.LogStd, _) =>
                (default, 0, false, $"a Gaussian head's output, but the action space is {actionSpace.Describe()}: expected it only for a Box"),
            (OnnxContract.Logits or OnnxContract.QValues, _) =>
                (default, 0, false, $"a discrete head's output, but the action space is {actionSpace.Describe()}: expected it only for a Discrete space"),
            _ => (default, 0, false,
                $"not an output of the contract: expected only {Quote([OnnxContract.Action, OnnxContract.ActionMean, OnnxContract.LogStd, OnnxContract.Logits, OnnxContract.QValues])}"),
        };
        (TensorElementType type, int width, bool mayBeOneRow, string? refusal) = expected;
        if (refusal is not null) throw new OnnxContractException(source, $"output \"{name}\" is {refusal}");

        int[] dims = node.IsTensor ? node.Dimensions : [];
        int batch = dims.Length > 0 ? dims[0] : 0;
        bool batchOk = batch == -1 || (batch == 1 && (staticBatch || mayBeOneRow));
        bool shapeOk = width == 0 ? dims.Length == 1 : dims.Length == 2 && dims[1] == width;
        if (!node.IsTensor || node.ElementDataType != type || !batchOk || !shapeOk)
        {
            string rows = mayBeOneRow ? $"{OnnxContract.BatchDimension} or 1" : OnnxContract.BatchDimension;
            string shape = width == 0 ? $"[{rows}]" : $"[{rows}, {width}]";
            string why = name == OnnxContract.Action ? $" for the action space {actionSpace.Describe()}" : "";
            throw new OnnxContractException(source, $"output \"{name}\": expected {ElementName(type)} {shape}{why}, found {Describe(node)}");
        }
        return new OnnxOutput(name, type, width, OneRow: batch == 1 && !staticBatch);
    }

    private static string ExpectedAction(Space actionSpace, bool staticBatch)
    {
        string rows = staticBatch ? "1" : OnnxContract.BatchDimension;
        return actionSpace is Discrete
            ? $"int64 [{rows}] for the action space {actionSpace.Describe()}"
            : $"float32 [{rows}, {actionSpace.FlatSize}] for the action space {actionSpace.Describe()}";
    }

    /// <summary>A tensor's type and shape as <c>float32 [batch, 3]</c>.</summary>
    private static string Describe(NodeMetadata node)
    {
        if (!node.IsTensor) return $"a {node.OnnxValueType} value, not a tensor";
        string[] symbols = node.SymbolicDimensions;
        IEnumerable<string> dims = node.Dimensions.Select((d, i) =>
            d >= 0 ? d.ToString(CultureInfo.InvariantCulture) : i < symbols.Length && symbols[i].Length > 0 ? symbols[i] : "?");
        return $"{ElementName(node.ElementDataType)} [{string.Join(", ", dims)}]";
    }

    private static string ElementName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static string Quote(IEnumerable<string> names)
    {
        string[] quoted = [.. names.Select(n => $"\"{n}\"")];
        return quoted.Length == 0 ? "none" : string.Join(", ", quoted);
    }
}
