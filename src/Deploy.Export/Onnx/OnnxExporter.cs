// InferencePolicy -> ONNX model, under the IO contract of Control.Deploy.Onnx.OnnxContract. The graph (PolicyGraph)
// holds the normalizer, the network, the head and the action bounds, so a runtime feeds raw observations and gets the
// action to apply. The model carries the contract's metadata (spaces as SpaceJson, the head's name, Control's version),
// the normalizer's epsilon when there is one, and last a content checksum (OnnxNames). The bytes depend on the policy,
// the info, the options and Control's version only: the same inputs give the same file.
using System.Globalization;
using System.Reflection;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Deploy.Onnx;
using Control.Policies.Common;
using Google.Protobuf;

namespace Control.Deploy.Export.Onnx;

/// <summary>Writes an <see cref="InferencePolicy"/> as an ONNX model.</summary>
public static class OnnxExporter
{
    /// <summary>The version of Control that writes (its assemblies' informational version).</summary>
    public static string ControlVersion { get; } =
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The ONNX model of <paramref name="policy"/> as bytes.</summary>
    /// <exception cref="ArgumentException">The info does not fit the policy, the options are out of range, or the policy uses an activation without a standard op.</exception>
    public static byte[] Export(InferencePolicy policy, OnnxModelInfo info, OnnxExportOptions? options = null) =>
        Build(policy, info, options ?? new OnnxExportOptions(), ControlVersion).ToByteArray();

    /// <summary>
    /// Writes the ONNX model of <paramref name="policy"/> to <paramref name="path"/> atomically (<see cref="AtomicFile"/>):
    /// the model is built before the file is touched, so a rejected policy or a failed write leaves an existing file as it was.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Export"/>.</exception>
    /// <exception cref="IOException">The file cannot be written (e.g. its directory does not exist).</exception>
    public static void ExportFile(InferencePolicy policy, OnnxModelInfo info, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Export(policy, info, options);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The action head's name in the metadata (<see cref="OnnxContract.Keys.ActionHead"/>).</summary>
    internal static string HeadName(ActionHeadKind kind) => kind switch
    {
        ActionHeadKind.Argmax => "argmax",
        ActionHeadKind.GaussianMean => "gaussian_mean",
        ActionHeadKind.TanhSquash => "tanh_squash",
        ActionHeadKind.Deterministic => "deterministic",
        ActionHeadKind.Binned => "binned",
        _ => throw new ArgumentException($"OnnxExporter: expected an action head kind, got {kind}."),
    };

    /// <summary>The model, sealed with its checksum; <paramref name="version"/> is Control's version to record.</summary>
    internal static ModelProto Build(InferencePolicy policy, OnnxModelInfo info, OnnxExportOptions options, string version)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        Check(policy, info);
        if (options.Opset < OnnxContract.MinimumOpset || options.Opset > OnnxContract.DefaultOpset)
            throw new ArgumentOutOfRangeException(nameof(options), options.Opset,
                $"OnnxExporter: expected an opset in [{OnnxContract.MinimumOpset}, {OnnxContract.DefaultOpset}], got {options.Opset}.");
        var model = new ModelProto
        {
            // IR version 7 came with opset 12-14, IR version 8 with opset 15 (ONNX 1.10).
            IrVersion = options.Opset <= 14 ? 7 : 8,
            ProducerName = OnnxNames.Producer,
            ProducerVersion = version,
            DocString = DocString(policy, info),
            Graph = PolicyGraph.Write(policy, options.StaticBatch),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        Add(model, OnnxContract.Keys.ContractVersion, OnnxContract.Version.ToString(CultureInfo.InvariantCulture));
        Add(model, OnnxContract.Keys.Env, info.Env);
        Add(model, OnnxContract.Keys.ObservationSpace, SpaceJson.Write(info.ObservationSpace));
        Add(model, OnnxContract.Keys.ActionSpace, SpaceJson.Write(policy.ActionSpace));
        Add(model, OnnxContract.Keys.Algorithm, info.Algorithm);
        Add(model, OnnxContract.Keys.CheckpointSha256, info.CheckpointSha256);
        Add(model, OnnxContract.Keys.ControlVersion, version);
        Add(model, OnnxContract.Keys.ActionHead, HeadName(policy.Head.Kind));
        if (policy.Normalizer is { } normalizer) Add(model, OnnxNames.NormalizerEpsilonKey, normalizer.Epsilon.ToString("R", CultureInfo.InvariantCulture));
        if (info.Input == PolicyInput.State) Add(model, OnnxContract.Keys.PolicyInput, OnnxContract.StateInput);
        ModelChecksum.Seal(model);
        return model;
    }

    private static void Check(InferencePolicy policy, OnnxModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (string.IsNullOrWhiteSpace(info.Env) || string.IsNullOrWhiteSpace(info.Algorithm))
            throw new ArgumentException($"OnnxExporter: expected a non-empty env and algorithm name, got \"{info.Env}\" and \"{info.Algorithm}\".", nameof(info));
        string sha = info.CheckpointSha256 ?? throw new ArgumentException("OnnxExporter: expected a checkpoint checksum (or an empty string for none), got null.", nameof(info));
        if (sha.Length != 0 && (sha.Length != 64 || sha.Any(c => !char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))))
            throw new ArgumentException($"OnnxExporter: expected the checkpoint's SHA-256 as 64 lowercase hex digits (or empty), got \"{sha}\".", nameof(info));
        Space space = info.ObservationSpace ?? throw new ArgumentException("OnnxExporter: expected an observation space, got null.", nameof(info));
        if (space is not (Box or Discrete))
            throw new ArgumentException($"OnnxExporter: expected a Box or Discrete observation space, got {space.Describe()}.", nameof(info));
        if (space.FlatSize != policy.ObservationSize)
            throw new ArgumentException($"OnnxExporter: the observation space {space.Describe()} has {space.FlatSize} values, the policy reads {policy.ObservationSize}.", nameof(info));
        if (policy.Encoding == ObservationEncoding.OneHot && (space is not Discrete cells || cells.N != policy.Network.Inputs))
            throw new ArgumentException($"OnnxExporter: a one-hot policy over {policy.Network.Inputs} cells expects the observation space Discrete({policy.Network.Inputs}), got {space.Describe()}.", nameof(info));
    }

    private static void Add(ModelProto model, string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

    private static string DocString(InferencePolicy policy, OnnxModelInfo info)
    {
        string outputs = policy.Head.Kind switch
        {
            ActionHeadKind.Argmax => $"{OnnxContract.Action} int64 [batch], {(policy.Head.SamplesLogits ? OnnxContract.Logits : OnnxContract.QValues)} float32 [batch, {policy.Head.NetworkOutputs}]",
            ActionHeadKind.Deterministic => $"{OnnxContract.Action} float32 [batch, {policy.ActionSize}]",
            ActionHeadKind.Binned => $"{OnnxContract.Action} float32 [batch, {policy.ActionSize}] (each value the level, among {policy.Head.LevelsPerAction} in {OnnxNames.HeadLevels}, of its largest logit)",
            _ => $"{OnnxContract.Action} float32 [batch, {policy.ActionSize}], {OnnxContract.ActionMean} float32 [batch, {policy.ActionSize}]"
                + (policy.Head.LogStdSource == LogStdSource.None ? "" : $", {OnnxContract.LogStd} float32 [{(policy.Head.LogStdSource == LogStdSource.Vector ? "1" : "batch")}, {policy.ActionSize}]"),
        };
        return $"A {info.Algorithm} policy for {info.Env}, exported by Control (ONNX policy contract version {OnnxContract.Version}). "
            + $"Input {OnnxContract.Observation} float32 [batch, {policy.ObservationSize}]: raw observations (normalization is inside the graph). "
            + $"Outputs: {outputs}; the action is already clipped to the action space's bounds. Spaces and provenance are in metadata_props.";
    }
}
