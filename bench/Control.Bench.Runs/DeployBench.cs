// Latency of a deployed policy: the same Gaussian policy (observation 17 -> normalizer -> MLP (tanh) -> mean
// clipped to [-1, 1]^6, the shape of a HalfCheetah actor) acting through Control's own engine (InferencePolicy) and
// through its ONNX export in ONNX Runtime, one thread each, batch 1 (a controller's tick) and batch 64 (a fleet or
// a vectorized evaluation), for two network sizes. Every call is timed on its own and the figures are the median
// and the 99th percentile; the two runtimes alternate in blocks so that a noisy neighbour hits both alike.
// What `control bench deploy` runs.
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;
using Control.Deploy.Export.Onnx;
using Control.Deploy.Loop;
using Control.Deploy.Onnx;
using Control.Experiments.Progress;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Bench.Runs;

/// <summary>The deploy bench.</summary>
public static class DeployBench
{
    /// <summary>Hidden layer sizes measured.</summary>
    public static readonly int[][] Sizes = [[64, 64], [256, 256]];

    /// <summary>Batch sizes measured.</summary>
    public static readonly int[] Batches = [1, 64];

    private const int ObservationSize = 17, ActionSize = 6, Blocks = 10;

    /// <summary>
    /// Times <paramref name="calls"/> calls per figure (after as many for warm-up); <paramref name="live"/> sees the calls
    /// of each runtime (warm-up and timed) after the warm-up and after each block.
    /// </summary>
    public static DeployBenchReport Run(int calls = 20_000, IRunProgress? live = null)
    {
        if (calls < Blocks) throw new ArgumentOutOfRangeException(nameof(calls), calls, $"deploy bench: expected at least {Blocks} calls per figure");
        var rows = new List<DeployBenchRow>();
        double total = 2.0 * calls * Sizes.Length * Batches.Length;
        int figure = 0;
        using TensorThreads.Scope threads = TensorThreads.Use(1);
        foreach (int[] hidden in Sizes)
        {
            InferencePolicy policy = Policy(hidden, seed: 0);
            byte[] model = OnnxExporter.Export(policy, new OnnxModelInfo("bench", "none", new string('0', 64), Box.Uniform(ObservationSize, -10, 10)));
            using OnnxPolicy onnx = OnnxPolicy.Load(model, "deploy bench", new OnnxPolicyOptions { IntraOpThreads = 1 });
            foreach (int batch in Batches)
            {
                Action control = batch == 1 ? ControlAct(policy) : ControlBatch(policy, batch);
                using OnnxBatch onnxBatch = onnx.CreateBatch(batch);
                var rng = new Rng(1);
                for (int i = 0; i < onnxBatch.Observations.Length; i++) onnxBatch.Observations[i] = (float)rng.Normal();
                Action runtime = batch == 1 ? OnnxAct(onnx) : onnxBatch.Run;
                double before = 2.0 * calls * figure++;
                (long[] controlNs, long[] runtimeNs) = Alternate(control, runtime, calls,
                    done => live?.Report("deploy latency (calls per runtime)", before + done, total, [new("hidden", hidden[0], "F0"), new("batch", batch, "F0")]));
                string name = string.Join("-", hidden);
                TimingSummary c = TickStatistics.Summarize(controlNs), r = TickStatistics.Summarize(runtimeNs);
                rows.Add(new DeployBenchRow("control", name, batch, c.P50Microseconds, c.P99Microseconds));
                rows.Add(new DeployBenchRow("onnxruntime", name, batch, r.P50Microseconds, r.P99Microseconds));
            }
        }
        return new DeployBenchReport(rows, calls, FmaPeak.DescribeCpu(), OnnxRuntimeVersion());
    }

    /// <summary>A randomly initialized Gaussian policy of the bench's shape (normalizer, tanh MLP, vector log-std, [-1, 1] bounds).</summary>
    public static InferencePolicy Policy(int[] hidden, long seed)
    {
        var rng = new Rng(seed);
        Sequential mlp = Mlp.Create(ObservationSize, hidden, ActionSize, rng);
        var mean = new double[ObservationSize];
        var variance = new double[ObservationSize];
        for (int i = 0; i < ObservationSize; i++)
        {
            mean[i] = rng.Normal();
            variance[i] = 0.5 + rng.NextDouble();
        }
        return new InferencePolicy(ObservationSize, ObservationEncoding.Values, new ObservationNormalizer(mean, variance), new InferenceNetwork(InferenceNetwork.LayersOf(mlp)),
            ActionHead.GaussianMean(ActionSize, Tensor.Full(-0.5, DType.Float32, ActionSize)), Box.Uniform(ActionSize, -1, 1));
    }

    // One observation through InferencePolicy.Act, as a controller calls it.
    private static Action ControlAct(InferencePolicy policy)
    {
        var observation = new double[ObservationSize];
        var action = new double[ActionSize];
        var rng = new Rng(1);
        for (int i = 0; i < observation.Length; i++) observation[i] = rng.Normal();
        return () => policy.Act(observation, action);
    }

    // A batch through the same parts InferencePolicy.Act uses: normalizer, network, mean, clip to the bounds.
    private static Action ControlBatch(InferencePolicy policy, int batch)
    {
        var observations = new double[batch * ObservationSize];
        var input = new float[observations.Length];
        var actions = new double[batch * ActionSize];
        var rng = new Rng(1);
        for (int i = 0; i < observations.Length; i++) observations[i] = rng.Normal();
        return () =>
        {
            policy.Normalizer!.Apply(observations, input);
            using var noGrad = Autograd.NoGrad();
            using var scope = TensorScope.Begin();
            ReadOnlySpan<float> mean = policy.Network.Forward(Tensor.FromArray(input, batch, ObservationSize)).Span<float>();
            for (int i = 0; i < actions.Length; i++) actions[i] = Math.Clamp(mean[i], -1.0, 1.0);
        };
    }

    private static Action OnnxAct(OnnxPolicy onnx)
    {
        var observation = new double[ObservationSize];
        var action = new double[ActionSize];
        var rng = new Rng(1);
        for (int i = 0; i < observation.Length; i++) observation[i] = rng.Normal();
        return () => onnx.Act(observation, action);
    }

    // Warm-up, then the two runtimes in alternating blocks; every call timed on its own (nanoseconds), summarized as
    // the control loop's ticks are (nearest-rank percentiles). `callsDone` hears how many calls of each (of 2 x calls) are done.
    private static (long[] First, long[] Second) Alternate(Action first, Action second, int calls, Action<int> callsDone)
    {
        for (int i = 0; i < calls; i++)
        {
            first();
            second();
        }
        callsDone(calls);
        var a = new long[calls];
        var b = new long[calls];
        int block = calls / Blocks;
        for (int start = 0; start < calls; start += block)
        {
            int end = Math.Min(calls, start + block);
            Time(first, a, start, end);
            Time(second, b, start, end);
            callsDone(calls + end);
        }
        return (a, b);
    }

    private static void Time(Action call, long[] nanoseconds, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            nanoseconds[i] = (long)(Stopwatch.GetElapsedTime(t0).TotalMicroseconds * 1000);
        }
    }

    private static string OnnxRuntimeVersion() => Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();
}
