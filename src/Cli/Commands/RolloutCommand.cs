// `control rollout`: the options of a deterministic replay (Experiments' RolloutRun) and a table of every step.
using System.CommandLine;
using System.Globalization;
using Control.Experiments;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>Replays actions in an env and prints each step.</summary>
public static class RolloutCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var env = new Option<string>("--env") { Description = "Environment name (see `control envs`).", Required = true };
        var seed = new Option<long>("--seed") { Description = "Seed of the reset (and of --random actions).", DefaultValueFactory = _ => 0 };
        var state = new Option<string?>("--state") { Description = "Initial state x1,x2,... set after the reset." };
        var actions = new Option<string?>("--actions")
        {
            Description = "Actions to replay: a1,a2,... for one-dimensional actions; a1,a2;b1,b2;... (steps separated by ';') otherwise.",
        };
        var random = new Option<bool>("--random") { Description = "Uniformly random actions from the action space, seeded by --seed." };
        var steps = new Option<int?>("--steps") { Description = "Number of random steps (default: the env's horizon)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        Option<string?> task = MuJoCoTaskOption.Create();
        var command = new Command("rollout", "Replay an action sequence from a seed (and optionally a state), printing each step.")
        {
            env, seed, state, actions, random, steps, json, task,
        };
        command.SetAction(parse => context.Guard(() =>
        {
            MuJoCoTaskOption.Apply(parse, task);
            return Execute(context, parse.GetValue(env)!, parse.GetValue(seed), parse.GetValue(state), parse.GetValue(actions),
                parse.GetValue(random), parse.GetValue(steps), parse.GetValue(json));
        }));
        return command;
    }

    private static int Execute(CommandContext context, string name, long seed, string? stateText, string? actionText,
        bool random, int? stepCount, bool json)
    {
        RolloutReport report = RolloutRun.Run(new RolloutRequest(name, seed) { State = stateText, Actions = actionText, Random = random, Steps = stepCount });
        if (json)
        {
            context.WriteJson(report);
            return 0;
        }
        var table = new Table().AddColumns("t", "action", "observation", "reward", "terminated", "truncated");
        table.AddRow("reset", "", Format(report.InitialObservation), "", "", "");
        foreach (RolloutStep r in report.Steps)
            table.AddRow(r.T.ToString(CultureInfo.InvariantCulture), Format(r.Action), Format(r.Observation), Format([r.Reward]),
                r.Terminated ? "yes" : "", r.Truncated ? "yes" : "");
        context.Console.Write(table);
        context.Output.WriteLine($"{name}: {report.Steps.Count} steps, return {report.Return.ToString("G6", CultureInfo.InvariantCulture)}");
        return 0;
    }

    private static string Format(double[] values) => string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)));
}
