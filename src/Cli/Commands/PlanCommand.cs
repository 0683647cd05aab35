// `control plan`: the options of one closed-loop MPC episode (Experiments' PlanRun) and its report: whether the task
// was achieved, the return, and how long each replan took.
using System.CommandLine;
using System.Globalization;
using Control.Experiments;
using Control.Planning.Registry;

namespace Control.Cli.Commands;

/// <summary>`control plan`.</summary>
public static class PlanCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var env = new Option<string>("--env") { Description = "Environment name (a robot with a model, see `control envs`).", Required = true };
        var planner = new Option<string>("--planner") { Description = $"Planner: {string.Join(", ", Planners.Names)}.", Required = true };
        var horizon = new Option<int?>("--horizon") { Description = "Planning horizon in steps (default: tuned per env and planner)." };
        var steps = new Option<int?>("--steps") { Description = "Env steps to run (default: the env's episode length)." };
        var seed = new Option<long>("--seed") { Description = "Seed of the env's initial state and of sampling planners.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        Option<string?> task = MuJoCoTaskOption.Create();
        var command = new Command("plan", "Closed-loop MPC with a planner on the env's true model.") { env, planner, horizon, steps, seed, json, task };
        command.SetAction(parse => context.Guard(() =>
        {
            MuJoCoTaskOption.Apply(parse, task);
            return Execute(context, parse.GetValue(env)!, parse.GetValue(planner)!, parse.GetValue(horizon), parse.GetValue(steps), parse.GetValue(seed), parse.GetValue(json));
        }));
        return command;
    }

    private static int Execute(CommandContext context, string envName, string plannerName, int? horizon, int? steps, long seed, bool json)
    {
        PlanReport run = PlanRun.Run(new PlanRequest(envName, plannerName, seed) { Horizon = horizon, Steps = steps });
        if (json)
        {
            context.WriteJson(run);
            return 0;
        }
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        context.Output.WriteLine($"{run.Env} with {run.Planner}-MPC (horizon {run.Horizon}, seed {run.Seed}), {run.Steps} steps");
        context.Output.WriteLine($"  success:          {(run.Success ? "yes" : "no")}");
        context.Output.WriteLine($"  return:           {F(run.Return, "F2")}");
        context.Output.WriteLine($"  replan time:      {F(run.ReplanMsMean, "F3")} ms mean, {F(run.ReplanMsP95, "F3")} ms p95 ({F(run.ReplansPerSecond, "F0")} replans/s)");
        context.Output.WriteLine($"  iterations:       {F(run.IterationsMean, "F2")} per replan");
        return 0;
    }
}
