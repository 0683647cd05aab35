// `control mbrl`: the options of the model-based loop (Experiments' MbrlRun), a line per iteration and, at the end,
// the learned-model controller's return beside the same controller on the true model and a random policy. With
// --out the run keeps mbrl.csv and its checkpoint mbrl.ctl up to date at every iteration boundary; --resume continues it.
using System.CommandLine;
using System.Globalization;
using Control.Experiments;
using Control.Experiments.Artifacts;

namespace Control.Cli.Commands;

/// <summary>`control mbrl`.</summary>
public static class MbrlCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var env = new Option<string>("--env") { Description = "Environment name (a robot with a model).", Required = true };
        var method = new Option<string>("--method") { Description = $"Loop: {string.Join(", ", MbrlRun.Methods)}.", Required = true };
        var steps = new Option<int>("--steps") { Description = "Real env steps in total (random collection included).", DefaultValueFactory = _ => 2000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the whole run.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var output = new Option<string?>("--out")
        {
            Description = "Directory for mbrl.csv (a row per iteration), the checkpoint mbrl.ctl (at every iteration boundary) and summary.json (for `control plot` and `control report`).",
        };
        var every = new Option<int>("--checkpoint-every")
        {
            Description = "With --out: save mbrl.ctl at every N-th iteration boundary and at the last (0: at the last only).", DefaultValueFactory = _ => 1,
        };
        var resume = new Option<string?>("--resume") { Description = "Continue the run saved in this mbrl.ctl (same --env, --method, --steps, --seed and MPC options)." };
        var supportWeight = new Option<double?>("--support-weight") { Description = "MPC methods: weight of the penalty on planned states outside the data's range (0: off; default 1)." };
        var noWatch = new Option<bool>("--no-watch") { Description = "MPC methods: plain MPC, without the surprise / diverging-plan fallback." };
        Option<string?> task = MuJoCoTaskOption.Create();
        var command = new Command("mbrl", "Model-based RL: fit a dynamics model on real transitions and control through it.") { env, method, steps, seed, json, supportWeight, noWatch, task, output, every, resume };
        command.SetAction(parse => context.Guard(() =>
        {
            MuJoCoTaskOption.Apply(parse, task);
            var request = new MbrlRequest(parse.GetValue(env)!, parse.GetValue(method)!, parse.GetValue(steps), parse.GetValue(seed),
                parse.GetValue(supportWeight), parse.GetValue(noWatch) ? false : null)
            {
                OutputDirectory = parse.GetValue(output), CheckpointEvery = parse.GetValue(every), Resume = parse.GetValue(resume),
            };
            return Execute(context, request, parse.GetValue(json));
        }));
        return command;
    }

    private static int Execute(CommandContext context, MbrlRequest request, bool json)
    {
        string F(double v, string f = "F3") => v.ToString(f, CultureInfo.InvariantCulture);
        MbrlReport run = context.WithProgress(json, bars => MbrlRun.Run(request, json ? null
            : bars is not null ? it => bars.Report($"{request.Method} on {request.Env}", it.EnvSteps, request.Steps,
                [new("holdout loss", it.HoldoutLoss), new("multi-step error", it.MultiStepError), new("return", it.EpisodeReturn, "F1"), new("worst", it.WorstEpisodeReturn, "F1")])
            : it => context.Output.WriteLine(
            $"env steps {it.EnvSteps,6}  holdout loss {F(it.HoldoutLoss, "G4"),10}  multi-step error {F(it.MultiStepError, "G4"),10}  episode return {F(it.EpisodeReturn, "F1"),9}  worst {F(it.WorstEpisodeReturn, "F1"),9}  fallbacks {it.Fallbacks,3}  fit {F(it.FitSeconds, "F2")} s")));
        if (request.OutputDirectory is string output) RunFiles.WriteSummary(output, run);
        if (json)
        {
            context.WriteJson(run);
            return 0;
        }
        context.Output.WriteLine($"{run.Env} / {run.Method} (seed {run.Seed}), {run.EnvSteps} real steps; mean return over {MbrlRun.EvaluationEpisodes} evaluation episodes:");
        context.Output.WriteLine($"  learned-model controller: {F(run.ReturnLearned, "F1")}");
        context.Output.WriteLine($"  same controller, true model: {F(run.ReturnTrueModel, "F1")}");
        context.Output.WriteLine($"  random policy: {F(run.ReturnRandom, "F1")}");
        context.Output.WriteLine($"  score (learned - random) / (true - random): {F(run.Score)}");
        context.Output.WriteLine($"  worst episode return (loop after the first fit, evaluation): {F(run.WorstEpisodeReturn, "F1")}; fallbacks: {run.Fallbacks}");
        return 0;
    }
}
