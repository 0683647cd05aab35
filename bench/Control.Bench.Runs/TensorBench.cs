// One training step (forward, backward, Adam) of an MLP 17 -> 256 -> 256 -> 6 (tanh, MSE) and batch-1 inference, in
// Control and in PyTorch (bench/torch_mlp.py under /usr/bin/python3), on one thread and then two, with one core's
// measured float32 FMA peak (FmaPeak.cs) as the yardstick of the GFLOP/s. What `control bench tensors` runs.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Control.Core;
using Control.Experiments.Progress;
using Control.Tensors;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.Bench.Runs;

/// <summary>The tensors bench.</summary>
public static class TensorBench
{
    /// <summary>Batch sizes of the training step.</summary>
    public static readonly int[] Batches = [1, 64, 256, 4096];
    private const int Ring = 8;
    private const double LearningRate = 1e-5;

    /// <summary>
    /// Measures every figure for <paramref name="seconds"/> (split in 5 repeats; the median is reported);
    /// <paramref name="live"/> sees each measurement (the FMA peak, the warm-up pass, PyTorch's runs, each figure) finish.
    /// </summary>
    public static TensorBenchReport Run(double seconds, IRunProgress? live = null)
    {
        var rows = new List<TensorBenchRow>();
        // The peak, the warm-up pass, and per thread count PyTorch's run and Control's figures (each batch's step, inference).
        int measurements = 2 + 2 * (1 + Batches.Length + 1), done = 0;
        void Measured(double controlUs = double.NaN)
            => live?.Report("tensor figures", ++done, measurements, [new("Control us", controlUs, "F1")]);
        double peak = FmaPeak.Measure();
        Measured();
        // One unrecorded pass over every figure first: the JIT compiles the hot methods in tiers, in the background,
        // and on a busy machine that outlasts one figure's warm-up (the first figure measured then ran up to 5x slow).
        foreach (int batch in Batches) TrainStepMicroseconds(batch, seconds);
        InferenceMicroseconds(seconds);
        Measured();
        string? torchVersion = null;
        string? torchError = null;
        foreach (int threads in new[] { 1, 2 })
        {
            (Dictionary<int, double> Train, double Infer, string Version)? torch = null;
            try
            {
                torch = RunTorch(threads, seconds);
                torchVersion = torch.Value.Version;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or JsonException or KeyNotFoundException or FormatException)
            {
                torchError = e.Message;
            }
            Measured();
            using TensorThreads.Scope threadScope = TensorThreads.Use(threads);
            foreach (int batch in Batches)
            {
                double us = TrainStepMicroseconds(batch, seconds);
                double? peer = torch?.Train[batch];
                rows.Add(new TensorBenchRow("train", batch, threads, us, peer, peer / us, 3 * ForwardFlops(batch) / (us * 1e3)));
                Measured(us);
            }
            double infer = InferenceMicroseconds(seconds);
            Measured(infer);
            rows.Add(new TensorBenchRow("infer", 1, threads, infer, torch?.Infer, torch?.Infer / infer, ForwardFlops(1) / (infer * 1e3)));
        }
        return new TensorBenchReport(rows, peak, FmaPeak.DescribeCpu(), torchVersion, torchError);
    }

    // Multiply-adds of one forward pass, times two.
    private static double ForwardFlops(int batch) => 2.0 * batch * (17 * 256 + 256 * 256 + 256 * 6);

    private static double TrainStepMicroseconds(int batch, double seconds)
    {
        var rng = new Rng(0);
        Sequential model = Mlp.Create(17, [256, 256], 6, rng);
        var optimizer = new Adam(model.Parameters(), new AdamConfig { LearningRate = LearningRate });
        // A ring of batches and a small step keep the network far from fitting its data during the measurement:
        // a network that fits one batch exactly drives its gradients into subnormal floats, which are slow on
        // x86 in any engine. bench/torch_mlp.py does the same.
        Tensor[] xs = Enumerable.Range(0, Ring).Select(_ => Tensor.Normal(rng, DType.Float32, batch, 17)).ToArray();
        Tensor[] ys = Enumerable.Range(0, Ring).Select(_ => Tensor.Normal(rng, DType.Float32, batch, 6)).ToArray();
        int next = 0;
        return Median(() =>
        {
            using var scope = TensorScope.Begin();
            optimizer.ZeroGrad();
            Loss.Mse(model.Forward(xs[next % Ring]), ys[next++ % Ring]).Backward();
            optimizer.Step();
        }, seconds);
    }

    private static double InferenceMicroseconds(double seconds)
    {
        var rng = new Rng(0);
        Sequential model = Mlp.Create(17, [256, 256], 6, rng);
        Tensor x = Tensor.Normal(rng, DType.Float32, 1, 17);
        return Median(() =>
        {
            using var scope = TensorScope.Begin();
            using var noGrad = Autograd.NoGrad();
            model.Forward(x);
        }, seconds);
    }

    // Median over 5 repeats of the mean time per call, after a warm-up long enough for the JIT's optimized tier.
    private static double Median(Action step, double seconds)
    {
        var warmup = Stopwatch.StartNew();
        for (int i = 0; i < 3 || warmup.Elapsed.TotalSeconds < Math.Max(0.3, seconds); i++) step();
        var perCall = new double[5];
        for (int r = 0; r < perCall.Length; r++)
        {
            long count = 0;
            var clock = Stopwatch.StartNew();
            do
            {
                step();
                count++;
            } while (clock.Elapsed.TotalSeconds < seconds / perCall.Length);
            perCall[r] = clock.Elapsed.TotalMicroseconds / count;
        }
        Array.Sort(perCall);
        return perCall[perCall.Length / 2];
    }

    private static (Dictionary<int, double> Train, double Infer, string Version) RunTorch(int threads, double seconds)
    {
        JsonElement root = TorchPeer.Run("torch_mlp.py", threads, threads.ToString(CultureInfo.InvariantCulture), string.Join(",", Batches),
            seconds.ToString(CultureInfo.InvariantCulture));
        var train = new Dictionary<int, double>();
        foreach (JsonProperty p in root.GetProperty("train_us").EnumerateObject()) train[int.Parse(p.Name, CultureInfo.InvariantCulture)] = p.Value.GetDouble();
        return (train, root.GetProperty("infer_us").GetDouble(), root.GetProperty("torch").GetString() ?? "?");
    }
}
