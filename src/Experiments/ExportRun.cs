// `control export`: a checkpoint's policy written as an ONNX file (atomically), then loaded in ONNX Runtime and
// compared with Control's own forward pass on seeded observations: half drawn from the observation space, half
// around the training statistics (the normalizer's mean and standard deviation) where the policy has them, so
// that both the states the robot can report and the states the policy was trained on are covered.
using System.Security.Cryptography;
using Control.Core;
using Control.Core.Envs;
using Control.Deploy.Export.Onnx;
using Control.Deploy.Onnx;
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

    /// <summary>Writes <see cref="ExportRequest.Out"/> and measures the parity.</summary>
    /// <exception cref="CheckpointException">The checkpoint is missing, unreadable, or holds no policy or run description.</exception>
    public static ExportReport Run(ExportRequest request)
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
        Space observationSpace = Envs.Make(run.Env).ObservationSpace;
        var options = new OnnxExportOptions { Opset = request.Opset, StaticBatch = request.StaticBatch };
        OnnxExporter.ExportFile(policy, new OnnxModelInfo(run.Env, run.Algorithm, sha, observationSpace), request.Out, options);
        (double maxDiff, double maxRelative, int mismatches) = Parity(policy, request.Out, observationSpace, request.ParityObservations, request.Seed);
        (IReadOnlyList<OnnxSignature> inputs, IReadOnlyList<OnnxSignature> outputs) = Signatures(request.Out);
        return new ExportReport(Path.GetFullPath(request.Out), request.Opset, run.Env, run.Algorithm, sha, inputs, outputs, request.ParityObservations, maxDiff, maxRelative, mismatches);
    }

    /// <summary>
    /// The largest absolute difference between ONNX Runtime's float outputs for the file at <paramref name="onnxPath"/>
    /// and <paramref name="policy"/>'s own, the largest difference relative to the value's magnitude (|diff| / max(1, |value|)),
    /// and the number of differing discrete actions, over <paramref name="count"/> seeded observations (rounded to
    /// float32 first, as the graph receives them, and given to both).
    /// </summary>
    public static (double MaxAbsDiff, double MaxRelativeDiff, int ActionMismatches) Parity(InferencePolicy policy, string onnxPath, Space observationSpace, int count, long seed)
    {
        using OnnxPolicy onnx = OnnxPolicy.Load(onnxPath);
        int batchSize = onnx.StaticBatch ? 1 : Math.Min(ParityBatch, count);
        using OnnxBatch batch = onnx.CreateBatch(batchSize);
        int n = policy.ObservationSize, a = policy.ActionSize, outputs = policy.Network.Outputs;
        var rng = new Rng(seed);
        var observations = new double[batchSize * n];
        var networkOutputs = new float[outputs];
        var action = new double[a];
        var diff = new Difference();
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
                else
                {
                    diff.Add(batch.Output(OnnxContract.Action).Slice(r * a, a), action);
                }
                OutputDiff(policy, onnx, batch, r, networkOutputs, diff);
            }
        }
        return (diff.Absolute, diff.Relative, mismatches);
    }

    // The extra outputs against Control's: logits or Q values (all outputs), the mean (the first A), the log-std.
    private static void OutputDiff(InferencePolicy policy, OnnxPolicy onnx, OnnxBatch batch, int row, ReadOnlySpan<float> outputs, Difference diff)
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

    // The largest absolute difference, and the largest relative to the value's magnitude (float32 keeps about 7
    // digits, so two engines that sum in different orders differ by a few units in the last place of each value).
    private sealed class Difference
    {
        public double Absolute { get; private set; }

        public double Relative { get; private set; }

        public void Add(ReadOnlySpan<float> onnx, ReadOnlySpan<double> control)
        {
            for (int i = 0; i < onnx.Length; i++) Add(onnx[i], control[i]);
        }

        public void Add(ReadOnlySpan<float> onnx, ReadOnlySpan<float> control)
        {
            for (int i = 0; i < onnx.Length; i++) Add(onnx[i], control[i]);
        }

        private void Add(double onnx, double control)
        {
            double d = Math.Abs(onnx - control);
            Absolute = Math.Max(Absolute, d);
            Relative = Math.Max(Relative, d / Math.Max(1, Math.Abs(control)));
        }
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
    private static (IReadOnlyList<OnnxSignature>, IReadOnlyList<OnnxSignature>) Signatures(string path)
    {
        using var session = new InferenceSession(path);
        return (session.InputMetadata.Select(Signature).ToList(), session.OutputMetadata.Select(Signature).ToList());
    }

    private static OnnxSignature Signature(KeyValuePair<string, NodeMetadata> entry)
    {
        NodeMetadata meta = entry.Value;
        string type = meta.ElementType == typeof(long) ? "int64" : meta.ElementType == typeof(float) ? "float32" : meta.ElementType.Name;
        var shape = meta.Dimensions.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : meta.SymbolicDimensions[i]).ToList();
        return new OnnxSignature(entry.Key, type, shape);
    }

    /// <summary>SHA-256 of a file, lowercase hex.</summary>
    public static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
