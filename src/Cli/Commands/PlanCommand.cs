// `control plan`: the options of one closed-loop MPC episode (Experiments' PlanRun) and its report: whether the task
// was achieved, the return, and how long each replan took.
using System.CommandLine;
using System.Globalization;
using Control.Experiments;
using Control.Experiments.Artifacts;
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
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object (cold_replan_ms is the first replan; replan_ms_mean, _p50, _p95, _p99, replans_per_second and iterations_mean are over the warm replans after it).",
        };
        var output = new Option<string?>("--out") { Description = "Directory for trajectory.csv, replans.csv and summary.json (for `control plot` and `control report`)." };
        Option<string?> task = MuJoCoTaskOption.Create();
        var command = new Command("plan", "Closed-loop MPC with a planner on the env's true model.") { env, planner, horizon, steps, seed, json, task, output };
        command.SetAction(parse => context.Guard(() =>
        {
            MuJoCoTaskOption.Apply(parse, task);
            return Execute(context, new PlanRequest(parse.GetValue(env)!, parse.GetValue(planner)!, parse.GetValue(seed))
            {
                Horizon = parse.GetValue(horizon), Steps = parse.GetValue(steps), OutputDirectory = parse.GetValue(output),
            }, parse.GetValue(json));
        }));
        return command;
    }

    private static int Execute(CommandContext context, PlanRequest request, bool json)
    {
        PlanReport run = PlanRun.Run(request);
        if (request.OutputDirectory is string directory) RunFiles.WriteSummary(directory, run);
        if (json)
        {
            context.WriteJson(run);
            return 0;
        }
        string F(double? v, string format) => v?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
        context.Output.WriteLine($"{run.Env} with {run.Planner}-MPC (horizon {run.Horizon}, seed {run.Seed}), {run.Steps} steps");
        context.Output.WriteLine($"  success:          {(run.Success ? "yes" : "no")}");
        context.Output.WriteLine($"  return:           {F(run.Return, "F2")}");
        context.Output.WriteLine($"  first replan:     {F(run.ColdReplanMs, "F3")} ms (cold: no previous plan, first JIT compilation), {run.ColdIterations} iterations");
        context.Output.WriteLine($"  warm replans:     {F(run.ReplanMsMean, "F3")} ms mean, {F(run.ReplanMsP50, "F3")} / {F(run.ReplanMsP95, "F3")} / {F(run.ReplanMsP99, "F3")} ms p50 / p95 / p99 ({F(run.ReplansPerSecond, "F0")} replans/s)");
        context.Output.WriteLine($"  iterations:       {F(run.IterationsMean, "F2")} per warm replan");
        if (run.Trajectory is not null) context.Output.WriteLine($"  trajectory:       {run.Trajectory}");
        return 0;
    }
}
