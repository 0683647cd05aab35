// `control train` and `control eval`: model-free training of a policy on a registered env with one of the
// algorithms of src/Policies, with progress, a CSV log and checkpoints in --out, and a final evaluation over 20
// episodes of the deterministic policy; `control eval` rebuilds the algorithm from a checkpoint and evaluates it.
using System.CommandLine;
using System.Globalization;
using Control.Policies;
using Control.Policies.Registry;
using Control.Robots;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control train` and `control eval`.</summary>
public static class TrainCommand
{
    /// <summary>Evaluation episodes at the end of training and in `control eval`.</summary>
    public const int EvaluationEpisodes = 20;

    /// <summary>The outcome of a training run.</summary>
    public sealed record TrainRun(RunDescription Run, TrainingResult Training, EvaluationResult Evaluation, string? CheckpointPath);

    /// <summary>Builds `train`.</summary>
    public static Command CreateTrain(CommandContext context)
    {
        var env = new Option<string>("--env") { Description = "Environment name (see `control envs`).", Required = true };
        var algo = new Option<string>("--algo") { Description = "Algorithm (see the list in the help).", Required = true };
        var steps = new Option<long>("--steps") { Description = "Env steps to train for (in total, counting a resumed run's).", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the whole run.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Directory for metrics.csv and checkpoint.ctl." };
        var every = new Option<int>("--checkpoint-every") { Description = "Save a checkpoint every N iterations (0: at the end only).", DefaultValueFactory = _ => 0 };
        var resume = new Option<string?>("--resume") { Description = "Continue the run saved in this checkpoint (its algorithm, env, config and seed)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("train", "Train a policy model-free: reinforce, a2c, trpo, npg, ppo, ppo-kl, dqn.") { env, algo, steps, seed, output, every, resume, json };
        command.SetAction(parse => context.Guard(() =>
        {
            TrainRun run = Train(parse.GetValue(env)!, parse.GetValue(algo)!, parse.GetValue(steps), parse.GetValue(seed), parse.GetValue(output),
                parse.GetValue(every), parse.GetValue(resume), parse.GetValue(json) ? null : context);
            Report(context, run, parse.GetValue(json));
            return 0;
        }));
        return command;
    }

    /// <summary>Builds `eval`.</summary>
    public static Command CreateEval(CommandContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by `control train`.", Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Evaluation episodes.", DefaultValueFactory = _ => EvaluationEpisodes };
        var seed = new Option<long>("--seed") { Description = "Seed of the first evaluation episode.", DefaultValueFactory = _ => 1_000_000 };
        var stochastic = new Option<bool>("--stochastic") { Description = "Sample actions instead of taking the most likely one." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("eval", "Evaluate a trained policy from its checkpoint.") { checkpoint, episodes, seed, stochastic, json };
        command.SetAction(parse => context.Guard(() =>
        {
            string path = parse.GetValue(checkpoint)!;
            (IAlgorithm algorithm, RunDescription run) = Restore(Checkpoint.Load(path));
            EvaluationResult result = Evaluation.Run(algorithm.Policy(!parse.GetValue(stochastic), parse.GetValue(seed)),
                s => Envs.Make(run.Env, s), parse.GetValue(episodes), parse.GetValue(seed));
            if (parse.GetValue(json))
            {
                context.WriteJson(new { algo = run.Algorithm, env = run.Env, env_steps = algorithm.EnvSteps, eval_return = result.Mean, eval_return_std = result.Std, episodes = result.Returns.Length });
            }
            else
            {
                context.Output.WriteLine($"{run.Algorithm} on {run.Env} after {algorithm.EnvSteps} env steps: mean return {F(result.Mean)} +- {F(result.Std)} over {result.Returns.Length} episodes");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Trains <paramref name="algoName"/> on <paramref name="envName"/> until <paramref name="steps"/> env steps (or resumes a
    /// checkpoint), then evaluates the deterministic policy over <see cref="EvaluationEpisodes"/> episodes at seeds
    /// 1,000,000 + 1000 seed + k. Progress lines go to <paramref name="progress"/> when given.
    /// </summary>
    public static TrainRun Train(string envName, string algoName, long steps, long seed, string? outputDirectory = null,
        int checkpointEvery = 0, string? resume = null, CommandContext? progress = null)
    {
        if (steps <= 0) throw new ArgumentException($"expected a positive --steps, got {steps}");
        IAlgorithm algorithm;
        RunDescription run;
        if (resume is not null)
        {
            (algorithm, run) = Restore(Checkpoint.Load(resume));
            if (run.Algorithm != algoName || run.Env != envName)
                throw new ArgumentException($"{resume}: the checkpoint is of {run.Algorithm} on {run.Env}; expected {algoName} on {envName} as given by --algo and --env");
        }
        else
        {
            (algorithm, run) = Algorithms.Start(algoName, envName, steps, seed, (env, copies, s) => Envs.MakeVector(env, copies, s));
        }
        var callbacks = new List<Func<TrainingProgress, bool>>();
        if (progress is not null) callbacks.Add(ProgressPrinter(progress, run, steps));
        TrainingResult training = Trainer.Train(algorithm, new TrainerOptions { TotalSteps = steps, OutputDirectory = outputDirectory, CheckpointEvery = checkpointEvery },
            callbacks, c => c.PutJson(RunDescription.Section, run));
        long evalSeed = 1_000_000 + 1000 * run.Seed;
        EvaluationResult evaluation = Evaluation.Run(algorithm.Policy(deterministic: true, evalSeed), s => Envs.Make(envName, s), EvaluationEpisodes, evalSeed);
        string? checkpointPath = outputDirectory is null ? null : Path.Combine(outputDirectory, Trainer.CheckpointFile);
        return new TrainRun(run, training, evaluation, checkpointPath);
    }

    /// <summary>Rebuilds the algorithm a checkpoint was saved from, on the registered envs.</summary>
    public static (IAlgorithm Algorithm, RunDescription Run) Restore(Checkpoint checkpoint)
        => Algorithms.Restore(checkpoint, (env, copies, seed) => Envs.MakeVector(env, copies, seed));

    // One line per tenth of the budget (and at the end): env steps, recent episode return, throughput.
    private static Func<TrainingProgress, bool> ProgressPrinter(CommandContext context, RunDescription run, long steps)
    {
        long next = steps / 10;
        return p =>
        {
            if (p.EnvSteps < next && p.EnvSteps < steps) return true;
            while (next <= p.EnvSteps) next += Math.Max(1, steps / 10);
            double recent = p.Metrics.TryGetValue("rollout/episode_return", out double r) ? r : double.NaN;
            int width = 30, filled = (int)Math.Min(width, width * p.EnvSteps / steps);
            context.Output.WriteLine($"{run.Algorithm} {run.Env} [{new string('#', filled)}{new string('.', width - filled)}] {p.EnvSteps,8}/{steps} steps  "
                + $"episode return {F(recent),8}  {F(p.EnvSteps / Math.Max(p.Elapsed.TotalSeconds, 1e-9), "F0")} steps/s");
            return true;
        };
    }

    private static void Report(CommandContext context, TrainRun run, bool json)
    {
        if (json)
        {
            context.WriteJson(new
            {
                algo = run.Run.Algorithm, env = run.Run.Env, seed = run.Run.Seed,
                eval_return = run.Evaluation.Mean, eval_return_std = run.Evaluation.Std,
                steps_per_second = run.Training.StepsPerSecond, env_steps = run.Training.EnvSteps,
                iterations = run.Training.Iterations, seconds = run.Training.Elapsed.TotalSeconds, checkpoint = run.CheckpointPath,
            });
            return;
        }
        var table = new Table().AddColumns("algo", "env", "env steps", "eval return (20 episodes)", "steps/s", "seconds");
        table.AddRow(run.Run.Algorithm, run.Run.Env, run.Training.EnvSteps.ToString(CultureInfo.InvariantCulture),
            $"{F(run.Evaluation.Mean)} +- {F(run.Evaluation.Std)}", F(run.Training.StepsPerSecond, "F0"), F(run.Training.Elapsed.TotalSeconds, "F1"));
        context.Console.Write(table);
        if (run.CheckpointPath is not null) context.Output.WriteLine($"checkpoint: {run.CheckpointPath}");
    }

    private static string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);
}
