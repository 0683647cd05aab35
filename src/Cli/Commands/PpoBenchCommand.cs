// `control bench ppo`: the options of the PPO throughput bench (bench/Control.Bench.Runs, PpoBench) and its table.
using System.CommandLine;
using System.Globalization;
using Control.Bench.Runs;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control bench ppo`.</summary>
public static class PpoBenchCommand
{
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

    private static int Execute(CommandContext context, bool json, long steps, long warmupSteps, long torchSteps)
    {
        PpoBenchReport report = context.WithProgress(json, bars => PpoBench.Run(steps, warmupSteps, torchSteps, bars));
        if (json)
        {
            context.WriteJson(report);
            return 0;
        }
        var table = new Table().AddColumns("engine", "env steps/s (1 thread)", "recent episode return");
        table.AddRow("Control (steady state)", F(report.ControlStepsPerSecond), F(report.ControlEpisodeReturn));
        table.AddRow($"Control (first {warmupSteps} steps, from construction)", F(report.ControlColdStepsPerSecond), "");
        table.AddRow($"PyTorch {report.Torch ?? "(unavailable)"}", report.TorchStepsPerSecond is double t ? F(t) : "-", report.TorchEpisodeReturn is double r ? F(r) : "-");
        context.Console.Write(table);
        context.Output.WriteLine(report.TorchStepsPerSecond is null ? $"PyTorch unavailable: {report.TorchError}"
            : $"Control / PyTorch: {report.Ratio:F1}x steady, {report.ColdRatio:F1}x cold");
        return 0;
    }

    private static string F(double v) => v.ToString("F0", CultureInfo.InvariantCulture);
}
