// `control distill`: the options of a distillation (Experiments' DistillRun), a line per refit and, at the end, the
// policy beside its expert and a random policy on the same episodes, and how much faster it acts.
using System.CommandLine;
using System.Globalization;
using Control.Experiments;
using Control.Policies.Imitation;

namespace Control.Cli.Commands;

/// <summary>`control distill`.</summary>
public static class DistillCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var env = new Option<string>("--env") { Description = "Environment name (see `control envs`).", Required = true };
        var expert = new Option<string>("--expert")
        {
            Description = $"The expert: {string.Join(", ", DistillRun.Planners)} (MPC on the env's true model, as `control plan`; ilqr on acrobot-swingup plans 40 steps on the task cost plus an energy term) or {DistillRun.CheckpointPrefix}FILE (a trained policy).",
            Required = true,
        };
        var method = new Option<string>("--method") { Description = $"{string.Join(" or ", DistillRun.Methods)}.", DefaultValueFactory = _ => "dagger" };
        var steps = new Option<int>("--steps") { Description = "Expert labels to use in total (env steps of the labelled episodes).", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the whole run.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Directory for checkpoint.ctl (exportable by `control export`) and metrics.csv." };
        var guided = new Option<int?>("--guided-labels")
        {
            Description = "iLQR iterations of guided labels (ilqr expert, DAgger): label each learner state by improving the learner's own rollout; 0: the MPC expert's labels; default: the env's preset (10 on mj-reacher, else 0).",
        };
        var feedback = new Option<int?>("--feedback-samples")
        {
            Description = "Rows per expert label labelled by the ilqr expert's feedback gain (states x + dx near each labelled x, labelled u + K dx); 0: none; default: the preset (with the ilqr expert, 3 on pendulum, and with dagger on cartpole-swingup and mj-reacher; else 0).",
        };
        var feedbackNoise = new Option<string?>("--feedback-noise")
        {
            Description = "Standard deviations of dx, one per coordinate of the env's state (comma-separated, in its units); default: the env's preset.",
        };
        var validation = new Option<int>("--validation-episodes")
        {
            Description = "DAgger returns the refit best on this many validation episodes (apart from the evaluation episodes); 0: the last refit.",
            DefaultValueFactory = _ => 10,
        };
        var hidden = new Option<string?>("--hidden")
        {
            Description = "Hidden layer widths of the distilled network (comma-separated, e.g. 32,32); default: the env's preset (32-32 on pendulum, 256-256 on mj-reacher, 128-128-128 on acrobot-swingup, else 64-64).",
        };
        var head = new Option<string?>("--head")
        {
            Description = "The distilled network's head: deterministic (least squares: the mean of the expert's actions), gaussian, or binned (each action one of 13 levels across its bounds, fitted by cross-entropy: a mode of the expert's actions where they go two ways); default: the env's preset (binned on acrobot-swingup, else deterministic).",
        };
        var mirror = new Option<bool?>("--mirror")
        {
            Description = "Fit the mirror image of every label too (true or false; the env must declare a left-right symmetry: acrobot-swingup, pendulum, cartpole-swingup); no expert calls, not counted as labels; default: the env's preset (true on acrobot-swingup, else false).",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        Option<string?> task = MuJoCoTaskOption.Create();
        var command = new Command("distill", "Distil a planner (or a trained policy) into a fast network policy by behaviour cloning or DAgger.")
        {
            env, expert, method, steps, seed, output, guided, feedback, feedbackNoise, validation, hidden, head, mirror, json, task,
        };
        command.SetAction(parse => context.Guard(() =>
        {
            MuJoCoTaskOption.Apply(parse, task);
            var request = new DistillRequest(parse.GetValue(env)!, parse.GetValue(expert)!, parse.GetValue(method)!, parse.GetValue(seed))
            {
                Steps = parse.GetValue(steps), OutputDirectory = parse.GetValue(output), GuidedLabelIterations = parse.GetValue(guided),
                ValidationEpisodes = parse.GetValue(validation), FeedbackSamples = parse.GetValue(feedback),
                FeedbackNoise = parse.GetValue(feedbackNoise) is string noise ? NumberList.Parse(noise, "--feedback-noise") : null,
                Hidden = parse.GetValue(hidden) is string widths ? NumberList.ParseIntegers(widths, "--hidden") : null,
                Head = parse.GetValue(head) is string name ? HeadOf(name) : null, Mirror = parse.GetValue(mirror),
            };
            return Execute(context, request, parse.GetValue(json));
        }));
        return command;
    }

    private static ImitationHead HeadOf(string name) => name switch
    {
        "deterministic" => ImitationHead.Deterministic,
        "gaussian" => ImitationHead.Gaussian,
        "binned" => ImitationHead.Binned,
        _ => throw new ArgumentException($"--head: expected deterministic, gaussian or binned, got '{name}'"),
    };

    private static int Execute(CommandContext context, DistillRequest request, bool json)
    {
        static string F(double v, string format = "F3") => v.ToString(format, CultureInfo.InvariantCulture);
        DistillReport run = context.WithProgress(json, bars => DistillRun.Run(request, json ? null
            : bars is not null ? p => bars.Report($"{request.Method} from {request.Expert} on {request.Env}", p.Labels, request.Steps,
                [new("holdout loss", p.HoldoutLoss), new("policy return", p.PolicyReturn, "F1"), new("score", p.Score, "F3")])
            : p => context.Output.WriteLine(
            $"iteration {p.Iteration,3}  labels {p.Labels,6}  beta {F(p.Beta),5}  holdout loss {F(p.HoldoutLoss, "G4"),10}  epochs {p.Epochs,3}  policy return {F(p.PolicyReturn, "F1"),9}  score {F(p.Score)}"
                + (double.IsNaN(p.ValidationReturn) ? "" : $"  validation return {F(p.ValidationReturn, "F1"),9}"))));
        if (json)
        {
            context.WriteJson(run);
            return 0;
        }
        var extraRows = new List<string>();
        if (run.FeedbackRows > 0) extraRows.Add($"{run.FeedbackRows} rows labelled by its feedback gain");
        if (run.MirroredRows > 0) extraRows.Add($"{run.MirroredRows} mirror images");
        string feedbackRows = extraRows.Count == 0 ? "" : $" (and {string.Join(", ", extraRows)})";
        context.Output.WriteLine($"{run.Env}: {run.Method} from {run.Expert} (seed {run.Seed}), {run.EnvSteps} expert labels{feedbackRows}; mean return over {request.EvaluationEpisodes} evaluation episodes:");
        context.Output.WriteLine($"  expert:           {F(run.ExpertReturn, "F1")}  ({F(run.ExpertMsPerAction)} ms per action)");
        if (run.SelectedIteration != run.Iterations)
            context.Output.WriteLine($"  (the policy of iteration {run.SelectedIteration} of {run.Iterations}, the best on the validation episodes)");
        context.Output.WriteLine($"  distilled policy: {F(run.PolicyReturn, "F1")}  ({F(run.PolicyUsPerAction, "F1")} us per action, {F(run.Speedup, "F0")}x faster)");
        context.Output.WriteLine($"  random policy:    {F(run.RandomReturn, "F1")}");
        context.Output.WriteLine($"  score (policy - random) / (expert - random): {F(run.Score)}");
        if (run.Checkpoint is not null) context.Output.WriteLine($"  checkpoint: {run.Checkpoint} (export it with `control export --checkpoint ...`)");
        return 0;
    }
}
