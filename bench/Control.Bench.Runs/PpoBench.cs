// Training throughput of PPO on CartPole in CleanRL's configuration (8 envs, 128 steps per env
// per update, 4 epochs of 4 minibatches, 64-64 tanh policy and value networks, clipped surrogate with entropy
// bonus), in Control and in a straightforward PyTorch PPO of the same configuration with the same env written in
// Python (bench/torch_ppo.py under /usr/bin/python3), one thread each, in the same run. Throughput counts env steps
// per second of wall time over whole iterations (collection and updates). Control's steady-state figure follows an
// untimed warm-up (the JIT's tiered, profile-guided recompilation takes the first ~100k steps); its cold figure is
// that warm-up itself, from construction, as a short `control train` run sees it. PyTorch (no JIT) warms up for one
// iteration. What `control bench ppo` runs.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Control.Core.Envs;
using Control.Experiments.Progress;
using Control.Policies.OnPolicy;
using Control.Robots;
using Control.Tensors;

namespace Control.Bench.Runs;

/// <summary>PPO training throughput benchmark.</summary>
public static class PpoBench
{
    /// <summary>The benchmarked configuration (CleanRL's CartPole settings).</summary>
    public static PpoConfig BenchConfig { get; } = new()
    {
        Envs = 8, StepsPerEnv = 128, Epochs = 4, Minibatches = 4, Gamma = 0.99, GaeLambda = 0.95, LearningRate = 2.5e-4,
        ClipRange = 0.2, EntropyCoefficient = 0.01, ValueCoefficient = 0.5, MaxGradNorm = 0.5,
    };

    /// <summary>
    /// Control's figures over <paramref name="steps"/> timed steps after <paramref name="warmupSteps"/> warm-up steps, then
    /// PyTorch's over <paramref name="torchSteps"/>; <paramref name="live"/> sees the env steps of the three runs (PyTorch's
    /// counted when its run ends).
    /// </summary>
    public static PpoBenchReport Run(long steps, long warmupSteps, long torchSteps, IRunProgress? live = null)
    {
        (double control, double controlCold, double controlReturn) = MeasureControl(steps, warmupSteps, live: live, extraSteps: torchSteps);
        double? torch = null, torchReturn = null;
        string? torchVersion = null, torchError = null;
        try
        {
            (torch, torchReturn, torchVersion) = RunTorch(torchSteps);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or JsonException or KeyNotFoundException)
        {
            torchError = e.Message;
        }
        live?.Report(Stage, warmupSteps + steps + torchSteps, warmupSteps + steps + torchSteps, [new("Control steps/s", control, "F0"), new("PyTorch steps/s", torch ?? double.NaN, "F0")]);
        return new PpoBenchReport(control, controlCold, torch, control / torch, controlCold / torch, controlReturn, torchReturn, torchVersion, torchError, 1);
    }

    /// <summary>
    /// Env steps per second of Control's PPO over at least <paramref name="steps"/> steps after <paramref name="warmupSteps"/>
    /// warm-up steps (steady state), over the warm-up from construction (cold), and the recent episode return at the end.
    /// <paramref name="live"/> sees the env steps after each iteration, out of a total with <paramref name="extraSteps"/>
    /// more to come after this measurement.
    /// </summary>
    public static (double StepsPerSecond, double ColdStepsPerSecond, double EpisodeReturn) MeasureControl(long steps, long warmupSteps, long seed = 0,
        IRunProgress? live = null, long extraSteps = 0)
    {
        if (steps <= 0) throw new ArgumentException($"expected a positive --steps, got {steps}");
        if (warmupSteps <= 0) throw new ArgumentException($"expected a positive --warmup-steps, got {warmupSteps}");
        TensorThreads.Scope oneThread = TensorThreads.Use(1);
        try
        {
            using IVectorEnv env = Envs.MakeVector("cartpole", BenchConfig.Envs, seed, new VectorEnvOptions { Workers = 1 });
            var cold = Stopwatch.StartNew();
            var ppo = new Ppo(env, BenchConfig, seed);
            double total = warmupSteps + steps + extraSteps;
            while (ppo.EnvSteps < warmupSteps)
            {
                ppo.Iterate();
                live?.Report(Stage, Math.Min(ppo.EnvSteps, warmupSteps), total, [new("Control steps/s (cold)", ppo.EnvSteps / cold.Elapsed.TotalSeconds, "F0")]);
            }
            double coldRate = ppo.EnvSteps / cold.Elapsed.TotalSeconds;
            long start = ppo.EnvSteps;
            IReadOnlyDictionary<string, double> metrics = new Dictionary<string, double>();
            var clock = Stopwatch.StartNew();
            while (ppo.EnvSteps - start < steps)
            {
                metrics = ppo.Iterate();
                live?.Report(Stage, warmupSteps + Math.Min(ppo.EnvSteps - start, steps), total,
                    [new("Control steps/s", (ppo.EnvSteps - start) / clock.Elapsed.TotalSeconds, "F0")]);
            }
            return ((ppo.EnvSteps - start) / clock.Elapsed.TotalSeconds, coldRate, metrics["rollout/episode_return"]);
        }
        finally
        {
            oneThread.Dispose();
        }
    }

    private const string Stage = "PPO bench (env steps: Control warm-up, Control timed, PyTorch)";

    private static (double StepsPerSecond, double? EpisodeReturn, string Version) RunTorch(long steps)
    {
        JsonElement root = TorchPeer.Run("torch_ppo.py", 1, "1", steps.ToString(CultureInfo.InvariantCulture));
        JsonElement episodeReturn = root.GetProperty("episode_return");
        return (root.GetProperty("steps_per_second").GetDouble(), episodeReturn.ValueKind == JsonValueKind.Number ? episodeReturn.GetDouble() : null,
            root.GetProperty("torch").GetString() ?? "?");
    }
}
