// `control bench planners`: the options of the planner bench (bench/Control.Bench.Runs, PlannerBench), its tables
// and its speed figures.
using System.CommandLine;
using System.Globalization;
using Control.Bench.Runs;
using Control.Planning.Registry;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control bench planners`.</summary>
public static class PlannerBenchCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var seeds = new Option<int>("--seeds") { Description = "Episodes (seeds 1..N) per env and planner.", DefaultValueFactory = _ => 5 };
        var planners = new Option<string?>("--planners") { Description = $"Comma-separated subset of {string.Join(", ", Planners.Names)} (default: all)." };
        var envs = new Option<string?>("--envs") { Description = $"Comma-separated subset of {string.Join(", ", PlannerBench.BenchEnvs)} (default: all)." };
        var command = new Command("planners", "Task x planner table over seeds, and the planning speed figures.") { json, seeds, planners, envs };
        command.SetAction(parse => context.Guard(() => Execute(context, parse.GetValue(json), parse.GetValue(seeds),
            parse.GetValue(planners), parse.GetValue(envs))));
        return command;
    }

    private static int Execute(CommandContext context, bool json, int seeds, string? plannerList, string? envList)
    {
        if (seeds < 1) throw new ArgumentException($"expected --seeds >= 1, got {seeds}");
        string[] planners = Subset(plannerList, Planners.Names, "--planners");
        string[] envs = Subset(envList, PlannerBench.BenchEnvs, "--envs");
        PlannerBenchReport report = context.WithProgress(json, bars => PlannerBench.Run(seeds, planners, envs,
            json || bars is not null ? null : row => context.Error.WriteLine($"{row.Env} / {row.Planner}: {row.Successes}/{seeds} successes"),
            context.Error.WriteLine, bars));
        if (json)
        {
            context.WriteJson(report);
            return 0;
        }
        string F(double v, string f = "F2") => v.ToString(f, CultureInfo.InvariantCulture);
        var table = new Table().AddColumns("env", "planner", "horizon", "success", "return", "warm replan ms (mean)", "warm replan ms (p95)", "warm replans/s", "iterations (warm)");
        foreach (PlannerTableRow r in report.Table)
        {
            table.AddRow(r.Env, r.Planner, r.Horizon.ToString(CultureInfo.InvariantCulture), $"{r.Successes}/{r.Seeds}", F(r.ReturnMean),
                F(r.ReplanMsMean, "F3"), F(r.ReplanMsP95, "F3"), F(1000 / r.ReplanMsMean, "F0"), F(r.IterationsMean));
        }
        context.Console.Write(table);
        context.Output.WriteLine(
            $"warm-started iLQR-MPC, cartpole-swingup (horizon 100, {seeds} episodes, replans after the first): {F(report.WarmIlqrMpc.ReplansPerSecond, "F0")} replans/s " +
            $"({F(report.WarmIlqrMpc.ReplanMsMean, "F3")} ms mean, {F(report.WarmIlqrMpc.IterationsMean)} iterations per replan), {report.WarmIlqrMpc.Successes}/{seeds} successes");
        var coldTable = new Table().AddColumns("stages", "threads", "seed", "solve ms", "iterations", "converged", "cost", "final state at goal",
            "last second at goal", "ms/iteration", "derivatives", "backward", "line search");
        foreach (ColdSolveSeed r in report.ColdIlqr.SelectMany(c => c.Rows))
        {
            coldTable.AddRow(r.Stages.ToString(CultureInfo.InvariantCulture), r.Threads.ToString(CultureInfo.InvariantCulture), r.Seed.ToString(CultureInfo.InvariantCulture), F(r.SolveMs),
                r.Iterations.ToString(CultureInfo.InvariantCulture), r.Converged ? "yes" : "no", F(r.Cost), r.FinalStateAtGoal ? "yes" : "no",
                r.LastSecondAtGoal ? "yes" : "no", F(r.PerIterationMs, "F3"), F(r.DerivativesMs, "F3"), F(r.BackwardMs, "F3"), F(r.LineSearchMs, "F3"));
        }
        context.Console.Write(coldTable);
        foreach (ColdSolve c in report.ColdIlqr)
        {
            context.Output.WriteLine(
                $"cold iLQR solve, {c.Env} (horizon {c.Horizon}, zero initial controls, {c.Stages} stage(s), {c.Threads} thread(s), {c.Seeds} seeds): median {F(c.SolveMsMedian)} ms, " +
                $"median {F(c.IterationsMedian, "F0")} iterations, {F(c.PerIterationMs, "F3")} ms per iteration; converged {c.Converged}/{c.Seeds}, " +
                $"final state at the goal {c.FinalStateAtGoal}/{c.Seeds}, at the goal over the last second {c.LastSecondAtGoal}/{c.Seeds}");
        }
        return 0;
    }

    private static string[] Subset(string? list, string[] all, string option)
    {
        if (list is null) return all;
        string[] chosen = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (string name in chosen)
        {
            if (!all.Contains(name)) throw new ArgumentException($"{option}: unknown '{name}'; expected some of {string.Join(", ", all)}");
        }
        return chosen;
    }
}
