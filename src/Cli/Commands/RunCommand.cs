// `control run`: an exported ONNX policy through the fixed-rate control loop on a simulated robot (Experiments' DeployRun).
using System.CommandLine;
using System.Globalization;
using Control.Deploy.Loop;
using Control.Deploy.Onnx;
using Control.Experiments;
using Control.Experiments.Artifacts;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control run`.</summary>
public static class RunCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var policy = new Option<string>("--policy") { Description = "An .onnx file written by `control export`.", Required = true };
        var env = new Option<string>("--env") { Description = "Environment to run it on (see `control envs`); its spaces must be the policy's.", Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to run.", DefaultValueFactory = _ => TrainRun.EvaluationEpisodes };
        var seed = new Option<long>("--seed") { Description = "Seed of the first episode (episode k: seed + k, as `control eval`).", DefaultValueFactory = _ => 1_000_000 };
        var rate = new Option<double>("--rate-hz") { Description = "Control rate in Hz.", DefaultValueFactory = _ => 1000 };
        var simulated = new Option<bool>("--simulated-clock") { Description = "Run on a simulated clock: as fast as the machine goes, no timing measured." };
        var spin = new Option<double>("--spin-us") { Description = "Busy-wait this many microseconds before each tick instead of sleeping (the whole period: lowest latency, one core used).", DefaultValueFactory = _ => 200 };
        var provider = new Option<ExecutionProvider>("--provider") { Description = "ONNX Runtime execution provider: Cpu, or Cuda (needs Microsoft.ML.OnnxRuntime.Gpu and an NVIDIA GPU).", DefaultValueFactory = _ => ExecutionProvider.Cpu };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var output = new Option<string?>("--out") { Description = "Directory for ticks.csv (every tick's times) and summary.json (for `control plot` and `control report`)." };
        var command = new Command("run", "Run an ONNX policy in ONNX Runtime through the fixed-rate control loop (watchdog, safety filter, tick timing) on a simulated robot.")
        {
            policy, env, episodes, seed, rate, simulated, spin, provider, json, output,
        };
        command.SetAction(parse => context.Guard(() =>
        {
            DeployReport report = DeployRun.Run(new DeployRequest(parse.GetValue(policy)!, parse.GetValue(env)!)
            {
                Episodes = parse.GetValue(episodes), Seed = parse.GetValue(seed), RateHz = parse.GetValue(rate), SimulatedClock = parse.GetValue(simulated),
                SpinMicroseconds = parse.GetValue(spin), Provider = parse.GetValue(provider), OutputDirectory = parse.GetValue(output),
            });
            if (parse.GetValue(output) is string directory) RunFiles.WriteSummary(directory, report);
            bool complete = report.StopReason == nameof(LoopStopReason.EpisodesCompleted);
            if (!complete)
            {
                context.Error.WriteLine($"control: the loop stopped early ({report.StopReason}) after {report.Episodes} of {parse.GetValue(episodes)} episodes; "
                    + $"{report.WatchdogTrips} watchdog trips, {report.DeadlineMisses} deadline misses{(report.LastPolicyError is null ? "" : $"; the policy's last error: {report.LastPolicyError}")}");
            }
            if (parse.GetValue(json))
            {
                context.WriteJson(report);
                return complete ? 0 : 1;
            }
            var table = new Table().AddColumns("env", "episodes", "return", "rate (Hz)", "ticks", "tick p50 / p99 / max (us)", "policy p50 / p99 (us)", "start jitter p50 / p99 (us)", "deadline misses", "watchdog trips");
            table.AddRow(report.Env, I(report.Episodes), report.MeanReturn is double mean ? $"{F(mean)} +- {F(report.StdReturn!.Value)}" : "-", F(report.RateHz), I(report.Ticks),
                $"{F(report.TickUsP50)} / {F(report.TickUsP99)} / {F(report.TickUsMax)}", $"{F(report.PolicyUsP50)} / {F(report.PolicyUsP99)}",
                $"{F(report.JitterUsP50)} / {F(report.JitterUsP99)}", I(report.DeadlineMisses), I(report.WatchdogTrips));
            context.Console.Write(table);
            if (report.SimulatedClock) context.Output.WriteLine("simulated clock: no waiting and no timing (the timing figures are 0).");
            return complete ? 0 : 1;
        }));
        return command;
    }

    private static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
