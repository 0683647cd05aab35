// `control train` and `control eval`: the options of a training run (Experiments' TrainRun; with --dataset an offline
// run, OfflineTrainRun), its progress lines and its report; `control eval` evaluates a checkpoint.
using System.CommandLine;
using System.Globalization;
using Control.Experiments;
using Control.Experiments.Artifacts;
using Control.Experiments.Hyperparameters;
using Control.ModelBased.Registry;
using Control.Policies.Common;
using Control.Policies.Registry;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control train` and `control eval`.</summary>
public static class TrainCommand
{
    /// <summary>Builds `train`.</summary>
    public static Command CreateTrain(CommandContext context)
    {
        var env = new Option<string?>("--env") { Description = "Environment name (see `control envs`); required unless --config names it." };
        var algo = new Option<string?>("--algo") { Description = "Algorithm (see the list in the help); required unless --config names it." };
        var config = new Option<string?>("--config") { Description = "A hyperparameter file (YAML, as `control presets` prints it): its algo, env and config instead of the preset." };
        var set = new Option<string[]>("--set")
        {
            Description = "Override one hyperparameter, key=value (learning_rate=3e-4, network.hidden=[64,64]); repeatable, applied in order on the file's or the preset's config.",
        };
        var steps = new Option<long>("--steps") { Description = "Env steps to train for (in total, counting a resumed run's).", DefaultValueFactory = _ => 100_000 };
        var dataset = new Option<string?>("--dataset")
        {
            Description = $"Train offline ({string.Join(", ", OfflineAlgorithms.Names)}) from a logged dataset, F.csv or F.bin (see `control collect`); the env gives the spaces and the evaluation.",
        };
        var iterations = new Option<int?>("--iterations")
        {
            Description = $"With --dataset: iterations to train for (in total, counting a resumed run's; default {OfflineTrainRun.DefaultIterations}).",
        };
        var seed = new Option<long>("--seed") { Description = "Seed of the whole run.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Directory for metrics.csv and checkpoint.ctl." };
        var every = new Option<int>("--checkpoint-every") { Description = "Save a checkpoint every N iterations (0: at the end only).", DefaultValueFactory = _ => 0 };
        var resume = new Option<string?>("--resume") { Description = "Continue the run saved in this checkpoint (its algorithm, env, config and seed)." };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object (steps_per_second and seconds are the training loop's; the final evaluation's time is eval_seconds).",
        };
        Option<string?> task = MuJoCoTaskOption.Create();
        var command = new Command("train",
            $"Train a policy model-free ({string.Join(", ", Algorithms.Names)}), by value gradients through a learned model ({string.Join(", ", ModelBasedAlgorithms.Names)}), "
            + $"or offline from a logged dataset ({string.Join(", ", OfflineAlgorithms.Names)} with --dataset).")
        {
            env, algo, steps, dataset, iterations, seed, output, every, resume, json, task, config, set,
        };
        command.SetAction(parse => context.Guard(() =>
        {
            MuJoCoTaskOption.Apply(parse, task);
            if (parse.GetValue(dataset) is not null && parse.GetResult(steps) is { Implicit: false })
                throw new ArgumentException("--steps counts env steps, and an offline run (--dataset) takes none: give its budget as --iterations");
            (string algorithm, string envName, object? hyperparameters) = AlgorithmPresets.Resolve(parse.GetValue(config), parse.GetValue(algo), parse.GetValue(env),
                parse.GetValue(steps), parse.GetValue(set) ?? []);
            var request = new TrainRequest(envName, algorithm, parse.GetValue(steps), parse.GetValue(seed))
            {
                Config = hyperparameters,
                OutputDirectory = parse.GetValue(output), CheckpointEvery = parse.GetValue(every), Resume = parse.GetValue(resume),
                Dataset = parse.GetValue(dataset), Iterations = parse.GetValue(iterations),
            };
            bool live = context.IsTerminal || context.ForceProgress;
            Func<TrainingProgress, bool>? progress = parse.GetValue(json) || live ? null
                : request.Dataset is null ? ProgressPrinter(context, request) : OfflineProgressPrinter(context, request);
            TrainReport report = context.WithProgress(parse.GetValue(json), bars => TrainRun.Run(request, progress, bars));
            if (request.OutputDirectory is string directory) RunFiles.WriteSummary(directory, report);
            Report(context, report, parse.GetValue(json));
            return 0;
        }));
        return command;
    }

    /// <summary>Builds `eval`.</summary>
    public static Command CreateEval(CommandContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by `control train`.", Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Evaluation episodes.", DefaultValueFactory = _ => TrainRun.EvaluationEpisodes };
        var seed = new Option<long>("--seed") { Description = "Seed of the first evaluation episode.", DefaultValueFactory = _ => 1_000_000 };
        var stochastic = new Option<bool>("--stochastic") { Description = "Sample actions instead of taking the most likely one." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("eval", "Evaluate a trained policy from its checkpoint.") { checkpoint, episodes, seed, stochastic, json };
        command.SetAction(parse => context.Guard(() =>
        {
            EvalReport report = TrainRun.Evaluate(new EvalRequest(parse.GetValue(checkpoint)!)
            {
                Episodes = parse.GetValue(episodes), Seed = parse.GetValue(seed), Stochastic = parse.GetValue(stochastic),
            });
            if (parse.GetValue(json))
            {
                context.WriteJson(report);
            }
            else
            {
                context.Output.WriteLine($"{report.Algo} on {report.Env} after {report.EnvSteps} env steps: mean return {F(report.EvalReturn)} +- {F(report.EvalReturnStd)} over {report.Episodes} episodes");
            }
            return 0;
        }));
        return command;
    }

    // One line per tenth of the budget (and at the end): env steps, recent episode return, throughput.
    private static Func<TrainingProgress, bool> ProgressPrinter(CommandContext context, TrainRequest request)
    {
        long steps = request.Steps;
        long next = steps / 10;
        return p =>
        {
            if (p.EnvSteps < next && p.EnvSteps < steps) return true;
            while (next <= p.EnvSteps) next += Math.Max(1, steps / 10);
            double recent = p.Metrics.TryGetValue("rollout/episode_return", out double r) ? r : double.NaN;
            int width = 30, filled = (int)Math.Min(width, width * p.EnvSteps / steps);
            context.Output.WriteLine($"{request.Algorithm} {request.Env} [{new string('#', filled)}{new string('.', width - filled)}] {p.EnvSteps,8}/{steps} steps  "
                + $"episode return {F(recent),8}  {F(p.EnvSteps / Math.Max(p.Elapsed.TotalSeconds, 1e-9), "F0")} steps/s");
            return true;
        };
    }

    // One line per tenth of the iterations (and at the end): the fit's loss, the mean target, the short evaluation.
    private static Func<TrainingProgress, bool> OfflineProgressPrinter(CommandContext context, TrainRequest request)
    {
        int total = request.Iterations ?? OfflineTrainRun.DefaultIterations;
        int every = Math.Max(1, total / 10);
        return p =>
        {
            if (p.Iteration % every != 0 && p.Iteration < total) return true;
            double Metric(string key) => p.Metrics.TryGetValue(key, out double v) ? v : double.NaN;
            int width = 30, filled = (int)Math.Min(width, (long)width * p.Iteration / total);
            context.Output.WriteLine($"{request.Algorithm} {request.Env} [{new string('#', filled)}{new string('.', width - filled)}] {p.Iteration,5}/{total} iterations  "
                + $"loss {F(Metric("train/loss"), "G4"),10}  target {F(Metric("train/target_mean"), "G4"),10}  eval return {F(Metric("eval/return")),8}  {F(p.Elapsed.TotalSeconds)} s");
            return true;
        };
    }

    private static void Report(CommandContext context, TrainReport report, bool json)
    {
        if (json)
        {
            context.WriteJson(report);
            return;
        }
        if (report.Dataset is not null)
        {
            var offline = new Table().AddColumns("algo", "env", "dataset rows", "iterations", "eval return (20 episodes)", "seconds");
            offline.AddRow(report.Algo, report.Env, report.DatasetRows?.ToString(CultureInfo.InvariantCulture) ?? "", report.Iterations.ToString(CultureInfo.InvariantCulture),
                $"{F(report.EvalReturn)} +- {F(report.EvalReturnStd)}", F(report.Seconds, "F1"));
            context.Console.Write(offline);
            context.Output.WriteLine($"dataset: {report.Dataset}");
            if (report.Checkpoint is not null) context.Output.WriteLine($"checkpoint: {report.Checkpoint}");
            return;
        }
        var table = new Table().AddColumns("algo", "env", "env steps", "eval return (20 episodes)", "steps/s (training)", "seconds (training)", "seconds (evaluation)");
        table.AddRow(report.Algo, report.Env, report.EnvSteps.ToString(CultureInfo.InvariantCulture),
            $"{F(report.EvalReturn)} +- {F(report.EvalReturnStd)}", F(report.StepsPerSecond, "F0"), F(report.Seconds, "F1"), report.EvalSeconds is double e ? F(e, "F1") : "-");
        context.Console.Write(table);
        if (report.StepsTrained == 0) context.Output.WriteLine($"the run was already at {report.EnvSteps} env steps: nothing trained (steps/s 0), the policy evaluated only");
        if (report.Checkpoint is not null) context.Output.WriteLine($"checkpoint: {report.Checkpoint}");
    }

    private static string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);
}
