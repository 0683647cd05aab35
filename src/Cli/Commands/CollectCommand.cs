// `control collect`: a logged dataset for offline learning (Experiments' CollectRun): a behaviour policy, random or a
// trained checkpoint's with epsilon-random actions, run on an env, its observations recorded as x.
using System.CommandLine;
using System.Globalization;
using Control.Experiments;

namespace Control.Cli.Commands;

/// <summary>`control collect`.</summary>
public static class CollectCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var env = new Option<string>("--env") { Description = "Environment name (see `control envs`).", Required = true };
        var policy = new Option<string>("--policy")
        {
            Description = $"Behaviour policy: random, or {CollectRun.CheckpointPrefix}PATH (the greedy policy of a checkpoint of this env).", DefaultValueFactory = _ => "random",
        };
        var epsilon = new Option<double>("--epsilon") { Description = "Probability of a uniformly random action instead of the policy's.", DefaultValueFactory = _ => 0 };
        var steps = new Option<int>("--steps") { Description = "Transitions to record.", DefaultValueFactory = _ => 50_000 };
        var output = new Option<string>("--out") { Description = "The dataset: F.csv (CSV with a header) or any other name (binary CTLTRANS); written atomically.", Required = true };
        var seed = new Option<long>("--seed") { Description = "Episode k is reset with seed + k; exploration follows from it too.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("collect", "Record a logged dataset (observation, action, next observation, reward, terminated) for `control train --dataset`.")
        {
            env, policy, epsilon, steps, output, seed, json,
        };
        command.SetAction(parse => context.Guard(() =>
        {
            CollectReport report = CollectRun.Run(new CollectRequest(parse.GetValue(env)!, parse.GetValue(policy)!, parse.GetValue(steps), parse.GetValue(output)!, parse.GetValue(seed))
            {
                Epsilon = parse.GetValue(epsilon),
            });
            if (parse.GetValue(json))
            {
                context.WriteJson(report);
                return 0;
            }
            string returns = report.EpisodeReturn is double r ? r.ToString("F1", CultureInfo.InvariantCulture) : "none ended";
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Env}, {report.Policy} with epsilon {report.Epsilon}: {report.Rows} transitions ({report.Terminations} terminal), {report.Episodes} episodes ended, mean return {returns} -> {report.Out}"));
            return 0;
        }));
        return command;
    }
}
