// `control rollout`: deterministic replay of an action sequence (or seeded random actions) from a seed and
// optionally a given state, printing every step. For debugging a controller and checking compatibility.
using System.CommandLine;
using System.Globalization;
using Control.Core;
using Control.Core.Envs;
using Control.Robots;
using Control.Robots.Wrappers;
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
        var command = new Command("rollout", "Replay an action sequence from a seed (and optionally a state), printing each step.")
        {
            env, seed, state, actions, random, steps, json,
        };
        command.SetAction(parse => context.Guard(() => Execute(context,
            parse.GetValue(env)!, parse.GetValue(seed), parse.GetValue(state), parse.GetValue(actions),
            parse.GetValue(random), parse.GetValue(steps), parse.GetValue(json))));
        return command;
    }

    private static int Execute(CommandContext context, string name, long seed, string? stateText, string? actionText,
        bool random, int? stepCount, bool json)
    {
        if (random == (actionText is not null))
            throw new ArgumentException("expected exactly one of --actions and --random");
        if (stepCount is <= 0) throw new ArgumentException($"expected a positive --steps, got {stepCount}");
        IEnv env = Envs.Make(name, seed);
        int actionSize = env.ActionSpace.FlatSize;
        List<double[]> plan = actionText is null ? [] : ParseActions(env, actionText);

        double[] initial = env.Reset(seed);
        if (stateText is not null)
        {
            IStatefulEnv stateful = env.Find<IStatefulEnv>()
                ?? throw new ArgumentException($"{name}: --state needs an env whose state can be set; this one cannot");
            if (env.Find<NormalizeObservation>() is not null)
                throw new ArgumentException($"{name}: --state is not supported through NormalizeObservation (its statistics would see a state it did not produce)");
            double[] x = ParseNumbers(stateText, "--state");
            stateful.SetState(x);
            stateful.Observe(x, initial);
        }

        var rng = new Rng(seed).Fork(1);
        int total = random ? stepCount ?? Envs.Spec(name).Horizon : plan.Count;
        var rows = new List<StepRow>();
        double episodeReturn = 0;
        for (int t = 0; t < total; t++)
        {
            double[] action = new double[actionSize];
            if (random) env.ActionSpace.Sample(rng, action);
            else action = plan[t];
            Transition tr = env.Step(action);
            episodeReturn += tr.Reward;
            rows.Add(new StepRow(t, action, tr.Observation, tr.Reward, tr.Terminated, tr.Truncated));
            if (tr.Done) break;
        }

        if (json)
        {
            context.WriteJson(new
            {
                env = name,
                seed,
                initial_observation = initial,
                steps = rows.Select(r => new
                {
                    t = r.T, action = r.Action, observation = r.Observation, reward = r.Reward,
                    terminated = r.Terminated, truncated = r.Truncated,
                }),
                @return = episodeReturn,
                ended = rows.Count > 0 && (rows[^1].Terminated || rows[^1].Truncated),
            });
            return 0;
        }
        var table = new Table().AddColumns("t", "action", "observation", "reward", "terminated", "truncated");
        table.AddRow("reset", "", Format(initial), "", "", "");
        foreach (StepRow r in rows)
            table.AddRow(r.T.ToString(CultureInfo.InvariantCulture), Format(r.Action), Format(r.Observation), Format([r.Reward]),
                r.Terminated ? "yes" : "", r.Truncated ? "yes" : "");
        context.Console.Write(table);
        context.Output.WriteLine($"{name}: {rows.Count} steps, return {episodeReturn.ToString("G6", CultureInfo.InvariantCulture)}");
        return 0;
    }

    private sealed record StepRow(int T, double[] Action, double[] Observation, double Reward, bool Terminated, bool Truncated);

    // Parses and checks every action before the first step, so that a bad sequence fails before it runs.
    private static List<double[]> ParseActions(IEnv env, string text)
    {
        int actionSize = env.ActionSpace.FlatSize;
        string[] steps = actionSize == 1 ? text.Split(',', StringSplitOptions.TrimEntries) : text.Split(';', StringSplitOptions.TrimEntries);
        var plan = new List<double[]>();
        foreach (string step in steps)
        {
            double[] a = ParseNumbers(step, "--actions");
            EnvChecks.Action(env, a);
            plan.Add(a);
        }
        return plan;
    }

    private static double[] ParseNumbers(string text, string option)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new FormatException($"{option}: expected comma-separated numbers, got \"{parts[i]}\" in \"{text}\"");
        }
        return values;
    }

    private static string Format(double[] values) => string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)));
}
