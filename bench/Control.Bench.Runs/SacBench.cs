// Gradient updates per second of Soft Actor-Critic with its default networks (twin critics and actor 256-256 ReLU),
// batch 256, on the pendulum's sizes (3 observations, 1 action), in Control and in a straightforward PyTorch SAC of
// the same configuration (bench/torch_sac.py under /usr/bin/python3), one thread each, in the same run. Control's
// figure is whole training iterations (an env step, acting and one update per step) after an untimed warm-up that
// fills the replay and lets the JIT settle; PyTorch's is the updates alone on a prefilled buffer, so the ratio
// understates Control's update speed slightly. What `control bench sac` runs.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Control.Core.Envs;
using Control.Experiments.Progress;
using Control.Policies.OffPolicy;
using Control.Robots;
using Control.Tensors;

namespace Control.Bench.Runs;

/// <summary>The SAC update-speed bench.</summary>
public static class SacBench
{
    /// <summary>
    /// Control's updates per second over <paramref name="updates"/> timed updates and PyTorch's over a quarter as many (at
    /// least 200); <paramref name="live"/> sees Control's updates (warm-up and timed) as they go and PyTorch's run as one
    /// more part when it ends.
    /// </summary>
    public static SacBenchReport Run(int updates = 2000, IRunProgress? live = null)
    {
        if (updates < 100) throw new ArgumentException($"expected at least 100 timed updates, got {updates}");
        double control = MeasureControl(updates, live: live);
        double? torch = null;
        string? version = null, error = null;
        try
        {
            JsonElement root = TorchPeer.Run("torch_sac.py", 1, "1", TorchUpdates(updates).ToString(CultureInfo.InvariantCulture), "3", "1");
            torch = root.GetProperty("updates_per_second").GetDouble();
            version = root.GetProperty("torch").GetString();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or JsonException or KeyNotFoundException)
        {
            error = e.Message;
        }
        live?.Report(Stage, 2 * updates + TorchPart, 2 * updates + TorchPart, [new("Control updates/s", control, "F1"), new("PyTorch updates/s", torch ?? double.NaN, "F1")]);
        return new SacBenchReport(control, torch, control / torch, updates, version, error, FmaPeak.DescribeCpu());
    }

    // PyTorch's timed updates: a quarter of Control's, at least 200. PyTorch runs about 3x slower, so this is a window of
    // about 10 s at the default; a tenth (2-5 s) let other tenants' load swing the ratio from 2.5x to 4.2x.
    private static int TorchUpdates(int updates) => Math.Max(200, updates / 4);

    // PyTorch's run counts as this many updates on the progress bar (it reports nothing until it ends).
    private const int TorchPart = 1;
    private const string Stage = "SAC bench (updates: Control warm-up, Control timed, PyTorch)";

    /// <summary>
    /// Control's SAC updates per second on the pendulum, one thread, after a warm-up of as many updates;
    /// <paramref name="live"/> sees the updates after each iteration.
    /// </summary>
    public static double MeasureControl(int updates, long seed = 0, IRunProgress? live = null)
    {
        using TensorThreads.Scope oneThread = TensorThreads.Use(1);
        using IVectorEnv env = Envs.MakeVector("pendulum", 1, seed, new VectorEnvOptions { Workers = 1 });
        var sac = new Sac(env, new SacConfig { LearningStarts = 1000, IterationSteps = 100 }, seed);
        double total = 2 * updates + TorchPart;
        while (sac.GradientStepCount < updates)
        {
            sac.Iterate();
            live?.Report(Stage, Math.Min(sac.GradientStepCount, updates), total, [new("Control updates/s", double.NaN)]);
        }
        long start = sac.GradientStepCount;
        var clock = Stopwatch.StartNew();
        while (sac.GradientStepCount - start < updates)
        {
            sac.Iterate();
            live?.Report(Stage, updates + Math.Min(sac.GradientStepCount - start, updates), total,
                [new("Control updates/s", (sac.GradientStepCount - start) / clock.Elapsed.TotalSeconds, "F1")]);
        }
        return (sac.GradientStepCount - start) / clock.Elapsed.TotalSeconds;
    }
}
