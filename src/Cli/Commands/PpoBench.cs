// `control bench ppo`: training throughput of PPO on CartPole in CleanRL's configuration (8 envs, 128 steps per env
// per update, 4 epochs of 4 minibatches, 64-64 tanh policy and value networks, clipped surrogate with entropy
// bonus), in Control and in a straightforward PyTorch PPO of the same configuration with the same env written in
// Python (bench/torch_ppo.py under /usr/bin/python3), one thread each, in the same run. Throughput counts env steps
// per second of wall time over whole iterations (collection and updates). Control's steady-state figure follows an
// untimed warm-up (the JIT's tiered, profile-guided recompilation takes the first ~100k steps); its cold figure is
// that warm-up itself, from construction, as a short `control train` run sees it. PyTorch (no JIT) warms up for one
// iteration.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Control.Core.Envs;
using Control.Policies.OnPolicy;
using Control.Robots;
using Control.Tensors;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>PPO training throughput benchmark.</summary>
public static class PpoBench
{
    /// <summary>The benchmarked configuration (the issue's and CleanRL's CartPole settings).</summary>
    public static PpoConfig BenchConfig { get; } = new()
    {
        Envs = 8, StepsPerEnv = 128, Epochs = 4, Minibatches = 4, Gamma = 0.99, GaeLambda = 0.95, LearningRate = 2.5e-4,
        ClipRange = 0.2, EntropyCoefficient = 0.01, ValueCoefficient = 0.5, MaxGradNorm = 0.5,
    };

    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var steps = new Option<long>("--steps") { Description = "Timed env steps for Control (after the warm-up).", DefaultValueFactory = _ => 200_000 };
        var warmup = new Option<long>("--warmup-steps") { Description = "Untimed warm-up env steps for Control (timed as the cold figure).", DefaultValueFactory = _ => 300_000 };
        var torchSteps = new Option<long>("--torch-steps") { Description = "Timed env steps for PyTorch.", DefaultValueFactory = _ => 20_480 };
        var command = new Command("ppo", "PPO on CartPole (8 envs x 128 steps, 4 epochs x 4 minibatches, 64-64 tanh): env steps per second, Control against PyTorch.")
        {
            json, steps, warmup, torchSteps,
        };
        command.SetAction(parse => context.Guard(() => Execute(context, parse.GetValue(json), parse.GetValue(steps), parse.GetValue(warmup), parse.GetValue(torchSteps))));
        return command;
    }

    /// <summary>
    /// Env steps per second of Control's PPO over at least <paramref name="steps"/> steps after <paramref name="warmupSteps"/>
    /// warm-up steps (steady state), over the warm-up from construction (cold), and the recent episode return at the end.
    /// </summary>
    public static (double StepsPerSecond, double ColdStepsPerSecond, double EpisodeReturn) MeasureControl(long steps, long warmupSteps, long seed = 0)
    {
        if (steps <= 0) throw new ArgumentException($"expected a positive --steps, got {steps}");
        if (warmupSteps <= 0) throw new ArgumentException($"expected a positive --warmup-steps, got {warmupSteps}");
        TensorThreads.Scope oneThread = TensorThreads.Use(1);
        try
        {
            using VectorEnv env = Envs.MakeVector("cartpole", BenchConfig.Envs, seed, new VectorEnvOptions { Workers = 1 });
            var cold = Stopwatch.StartNew();
            var ppo = new Ppo(env, BenchConfig, seed);
            while (ppo.EnvSteps < warmupSteps) ppo.Iterate();
            double coldRate = ppo.EnvSteps / cold.Elapsed.TotalSeconds;
            long start = ppo.EnvSteps;
            IReadOnlyDictionary<string, double> metrics = new Dictionary<string, double>();
            var clock = Stopwatch.StartNew();
            while (ppo.EnvSteps - start < steps) metrics = ppo.Iterate();
            return ((ppo.EnvSteps - start) / clock.Elapsed.TotalSeconds, coldRate, metrics["rollout/episode_return"]);
        }
        finally
        {
            oneThread.Dispose();
        }
    }

    private static int Execute(CommandContext context, bool json, long steps, long warmupSteps, long torchSteps)
    {
        (double control, double controlCold, double controlReturn) = MeasureControl(steps, warmupSteps);
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
        double? ratio = control / torch;
        if (json)
        {
            context.WriteJson(new
            {
                control_steps_per_second = control, control_cold_steps_per_second = controlCold, torch_steps_per_second = torch, ratio,
                cold_ratio = controlCold / torch, control_episode_return = controlReturn,
                torch_episode_return = torchReturn, torch = torchVersion, torch_error = torchError, threads = 1,
            });
            return 0;
        }
        var table = new Table().AddColumns("engine", "env steps/s (1 thread)", "recent episode return");
        table.AddRow("Control (steady state)", F(control), F(controlReturn));
        table.AddRow($"Control (first {warmupSteps} steps, from construction)", F(controlCold), "");
        table.AddRow($"PyTorch {torchVersion ?? "(unavailable)"}", torch is double t ? F(t) : "-", torchReturn is double r ? F(r) : "-");
        context.Console.Write(table);
        context.Output.WriteLine(torch is null ? $"PyTorch unavailable: {torchError}" : $"Control / PyTorch: {ratio:F1}x steady, {controlCold / torch:F1}x cold");
        return 0;
    }

    private static (double StepsPerSecond, double? EpisodeReturn, string Version) RunTorch(long steps)
    {
        JsonElement root = TorchPeer.Run("torch_ppo.py", 1, "1", steps.ToString(CultureInfo.InvariantCulture));
        JsonElement episodeReturn = root.GetProperty("episode_return");
        return (root.GetProperty("steps_per_second").GetDouble(), episodeReturn.ValueKind == JsonValueKind.Number ? episodeReturn.GetDouble() : null,
            root.GetProperty("torch").GetString() ?? "?");
    }

    private static string F(double v) => v.ToString("F0", CultureInfo.InvariantCulture);
}
