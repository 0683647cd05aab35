// `control export`: a checkpoint's policy as an ONNX model, loaded in ONNX Runtime and compared with Control's own
// forward pass on seeded observations (half drawn from the observation space, half around the training statistics,
// the normalizer's mean and standard deviation, where the policy has them: both the states the robot can report and
// the states the policy was trained on), and only then written, atomically. A model ONNX Runtime refuses or that
// disagrees with Control beyond float32 rounding is never written.
using System.Security.Cryptography;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Deploy.Export.Onnx;
using Control.Deploy.Onnx;
using Control.Experiments.Progress;
using Control.ModelBased.Registry;
using Control.Policies.Common;
using Control.Policies.Registry;
using Control.Robots;
using Microsoft.ML.OnnxRuntime;

namespace Control.Experiments;

/// <summary>Exports a checkpoint's policy to ONNX and checks ONNX Runtime against Control.</summary>
public static class ExportRun
{
    /// <summary>Rows per ONNX Runtime call of the parity check (1 for a static-batch export).</summary>
    private const int ParityBatch = 500;

    /// <summary>
    /// Writes <see cref="ExportRequest.Out"/> and measures the parity; <paramref name="live"/> sees the parity check's
    /// observations as they are compared, with the largest difference so far.
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint is missing, unreadable, or holds no policy or run description.</exception>
    public static ExportReport Run(ExportRequest request, IRunProgress? live = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ParityObservations < 1)
            throw new ArgumentOutOfRangeException(nameof(request), request.ParityObservations, "export: expected at least one parity observation");
        Checkpoint checkpoint = Checkpoint.Load(request.Checkpoint);
        InferencePolicy policy = InferencePolicy.Load(checkpoint);
        RunDescription run = checkpoint.Has(RunDescription.Section)
            ? checkpoint.GetJson<RunDescription>(RunDescription.Section)
            : throw new CheckpointException($"{request.Checkpoint}: expected a run description (section '{RunDescription.Section}') naming the env and the algorithm, got sections [{string.Join(", ", checkpoint.Sections)}]");
        string sha = Sha256(request.Checkpoint);
        // The model-based learners' policies read the robot's state: the file says so and describes the state's box.
        PolicyInput input = ModelBasedAlgorithms.Contains(run.Algorithm) ? PolicyInput.State : PolicyInput.Observation;
        IEnv env = Envs.Make(run.Env);
        Space observationSpace = input == PolicyInput.State ? StateSpace(env) : env.ObservationSpace;
        var options = new OnnxExportOptions { Opset = request.Opset, StaticBatch = request.StaticBatch };
        byte[] model = OnnxExporter.Export(policy, new OnnxModelInfo(run.Env, run.Algorithm, sha, observationSpace, input), options);
        ParityDifference parity;
        int mismatches;
        using (OnnxPolicy onnx = OnnxPolicy.Load(model, request.Out))
        {
            (parity, mismatches) = Parity(policy, onnx, observationSpace, request.ParityObservations, request.Seed, live);
        }
        if (parity.Relative > request.MaxRelativeDiff)
        {
            throw new InvalidDataException(
                $"{request.Checkpoint}: ONNX Runtime disagrees with Control on the exported policy by {parity.Relative:E2} relative ({parity.Absolute:E2} absolute), more than the {request.MaxRelativeDiff:E0} float32 rounding allows; nothing written to {request.Out}");
        }
        (IReadOnlyList<OnnxTensorInfo> inputs, IReadOnlyList<OnnxTensorInfo> outputs) = Signatures(model);
        AtomicFile.Write(request.Out, stream => stream.Write(model));
        return new ExportReport(Path.GetFullPath(request.Out), request.Opset, run.Env, run.Algorithm, sha, inputs, outputs, request.ParityObservations, parity.Absolute,
            parity.Relative, mismatches);
    }

    /// <summary>
    /// The largest absolute difference between <paramref name="onnx"/>'s float outputs and <paramref name="policy"/>'s own, the largest difference relative to the value's magnitude (|diff| / max(1, |value|)),
    /// and the number of differing discrete actions, over <paramref name="count"/> seeded observations (rounded to
    /// float32 first, as the graph receives them, and given to both); <paramref name="live"/> sees each batch compared.
    /// </summary>
    internal static (ParityDifference Difference, int ActionMismatches) Parity(InferencePolicy policy, OnnxPolicy onnx, Space observationSpace, int count, long seed,
        IRunProgress? live = null)
    {
        int batchSize = onnx.StaticBatch ? 1 : Math.Min(ParityBatch, count);
        using OnnxBatch batch = onnx.CreateBatch(batchSize);
        int n = policy.ObservationSize, a = policy.ActionSize, outputs = policy.Network.Outputs;
        var rng = new Rng(seed);
        var observations = new double[batchSize * n];
        var networkOutputs = new float[outputs];
        var action = new double[a];
        var diff = new ParityDifference();
        int mismatches = 0;
        for (int start = 0; start < count; start += batchSize)
        {
            int rows = Math.Min(batchSize, count - start);
            Span<float> input = batch.Observations;
            for (int r = 0; r < batchSize; r++)
            {
                Span<double> row = observations.AsSpan(r * n, n);
                DrawObservation(rng, observationSpace, policy.Normalizer, (start + r) % 2 == 0, row);
                for (int i = 0; i < n; i++)
                {
                    input[r * n + i] = (float)row[i];
                    row[i] = input[r * n + i];
                }
            }
            batch.Run();
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<double> row = observations.AsSpan(r * n, n);
                policy.Act(row, action);
                policy.Outputs(row, networkOutputs);
                if (policy.ActionSpace is Discrete)
                {
                    if (batch.ActionIndices[r] != (long)action[0]) mismatches++;
                }
                else if (policy.Head.Kind == ActionHeadKind.Binned)
                {
                    ReadOnlySpan<float> exported = batch.Output(OnnxContract.Action).Slice(r * a, a);
                    if (BinnedAgreement(exported, action, networkOutputs, policy.Head.LevelsPerAction) == BinnedParity.NearTie) mismatches++;
                    else diff.Add(exported, action);
                }
                else
                {
                    diff.Add(batch.Output(OnnxContract.Action).Slice(r * a, a), action);
                }
                OutputDiff(policy, onnx, batch, r, networkOutputs, diff);
            }
            live?.Report("ONNX Runtime parity (observations)", start + rows, count,
                [new("max |diff|", diff.Absolute, "E2"), new("max relative", diff.Relative, "E2"), new("differing actions", mismatches, "F0")]);
        }
        return (diff, mismatches);
    }

    /// <summary>How a binned head's exported action compares with Control's on one observation.</summary>
    internal enum BinnedParity
    {
        /// <summary>Every action value took the same level.</summary>
        Same,

        /// <summary>Some took another level, each where Control's two largest logits are within float32 rounding (<see cref="BinnedTieTolerance"/>): a choice either engine could make.</summary>
        NearTie,

        /// <summary>Some took another level where Control's choice is clear: the graph computes something else.</summary>
        Differs,
    }

    /// <summary>Control's two largest logits of an action value closer than this, relative to max(1, |largest|), are a tie float32 rounding may break either way.</summary>
    internal const double BinnedTieTolerance = 1e-4;

    /// <summary>
    /// Compares the levels the exported graph chose (<paramref name="exported"/>) with Control's (<paramref name="action"/>),
    /// given Control's logits (<paramref name="levels"/> per action value): a level taken apart only across a near-tie of
    /// Control's two largest logits is counted as a differing action, as a discrete head's flipped argmax is, not as a
    /// numerical disagreement of the graph.
    /// </summary>
    internal static BinnedParity BinnedAgreement(ReadOnlySpan<float> exported, ReadOnlySpan<double> action, ReadOnlySpan<float> logits, int levels)
    {
        var result = BinnedParity.Same;
        for (int i = 0; i < action.Length; i++)
        {
            if (exported[i] == (float)action[i]) continue;
            ReadOnlySpan<float> values = logits.Slice(i * levels, levels);
            float largest = float.NegativeInfinity, second = float.NegativeInfinity;
            foreach (float v in values)
            {
                if (v > largest) (largest, second) = (v, largest);
                else if (v > second) second = v;
            }
            if (!(largest - second <= BinnedTieTolerance * Math.Max(1, Math.Abs(largest)))) return BinnedParity.Differs;
            result = BinnedParity.NearTie;
        }
        return result;
    }

    // The extra outputs against Control's: logits or Q values (all outputs), the mean (the first A), the log-std.
    private static void OutputDiff(InferencePolicy policy, OnnxPolicy onnx, OnnxBatch batch, int row, ReadOnlySpan<float> outputs, ParityDifference diff)
    {
        int a = policy.ActionSize, width = outputs.Length;
        Span<double> logStd = stackalloc double[a];
        foreach (string name in onnx.OutputNames)
        {
            switch (name)
            {
                case OnnxContract.Logits or OnnxContract.QValues:
                    diff.Add(batch.Output(name).Slice(row * width, width), outputs);
                    break;
                case OnnxContract.ActionMean:
                    diff.Add(batch.Output(name).Slice(row * a, a), outputs[..a]);
                    break;
                case OnnxContract.LogStd when policy.Head.LogStdSource == LogStdSource.Vector:
                    diff.Add(batch.Output(name)[..a], policy.Head.LogStd);
                    break;
                case OnnxContract.LogStd:
                    for (int i = 0; i < a; i++) logStd[i] = Math.Clamp(outputs[a + i], ActionHead.MinLogStd, ActionHead.MaxLogStd);
                    diff.Add(batch.Output(name).Slice(row * a, a), logStd);
                    break;
            }
        }
    }

    /// <summary>The box of an env's state as a state-feedback policy's input: unbounded, of the state's size.</summary>
    /// <exception cref="ArgumentException">The env does not expose its state.</exception>
    public static Box StateSpace(IEnv env)
    {
        IStatefulEnv stateful = env.Find<IStatefulEnv>() ?? throw new ArgumentException($"{env.Name}: a state-feedback policy needs an env that exposes its state (IStatefulEnv).");
        return Box.Uniform(stateful.StateSize, double.NegativeInfinity, double.PositiveInfinity);
    }

    // Even rows from the observation space; odd rows around the training statistics when there are some.
    private static void DrawObservation(Rng rng, Space space, ObservationNormalizer? normalizer, bool fromSpace, Span<double> row)
    {
        if (fromSpace || normalizer is null)
        {
            space.Sample(rng, row);
            return;
        }
        for (int i = 0; i < row.Length; i++) row[i] = normalizer.Mean[i] + Math.Sqrt(normalizer.Variance[i]) * rng.Normal();
    }

    // The graph's inputs and outputs as ONNX Runtime reports them.
    private static (IReadOnlyList<OnnxTensorInfo>, IReadOnlyList<OnnxTensorInfo>) Signatures(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        return (session.InputMetadata.Select(Signature).ToList(), session.OutputMetadata.Select(Signature).ToList());
    }

    private static OnnxTensorInfo Signature(KeyValuePair<string, NodeMetadata> entry)
    {
        NodeMetadata meta = entry.Value;
        string type = meta.ElementType == typeof(long) ? "int64" : meta.ElementType == typeof(float) ? "float32" : meta.ElementType.Name;
        var shape = meta.Dimensions.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : meta.SymbolicDimensions[i]).ToList();
        return new OnnxTensorInfo(entry.Key, type, shape);
    }

    /// <summary>SHA-256 of a file, lowercase hex.</summary>
    public static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
