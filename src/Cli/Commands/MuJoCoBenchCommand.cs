// `control bench mujoco`: the options of the MuJoCo step-rate bench (bench/Control.Bench.Runs, MuJoCoBench) and its
// table.
using System.CommandLine;
using System.Globalization;
using Control.Bench.Runs;
using Control.Robots.MuJoCo;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control bench mujoco`.</summary>
public static class MuJoCoBenchCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var seconds = new Option<double>("--seconds") { Description = $"Measuring time per figure and side (split in {MuJoCoBench.Repeats} alternating C and C# runs; the median is reported).", DefaultValueFactory = _ => 0.5 };
        var env = new Option<string[]>("--env") { Description = "Only these tasks (mj-...; repeat the option); all seven by default.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("mujoco", "MuJoCo step rate of each task from C# against the same loop in C (one and two threads), and the time per finite-difference Jacobian.") { json, seconds, env };
        command.SetAction(parse => context.Guard(() => Execute(context, parse.GetValue(json), parse.GetValue(seconds), parse.GetValue(env) ?? [])));
        return command;
    }

    private static int Execute(CommandContext context, bool json, double seconds, string[] envs)
    {
        MuJoCoBenchReport report;
        try
        {
            report = context.WithProgress(json, bars => MuJoCoBench.Run(seconds, envs, json || bars is not null ? null : r => context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Env}, {r.Threads} thread(s): C# {r.ControlStepsPerSecond:F0} steps/s, C {F(r.CStepsPerSecond, "F0")} steps/s")), bars));
        }
        catch (Exception e) when (e is MuJoCoNotInstalledException or MuJoCoException)
        {
            context.Error.WriteLine($"control: {e.Message}");
            return 2;
        }
        if (json)
        {
            context.WriteJson(report);
            return 0;
        }
        var table = new Table().AddColumns("env", "threads", "C# (steps/s)", "C (steps/s)", "C# / C", "C# / C (CPU time)", "x one thread (C#, C)",
            "Linearize fwd, ctr (us)", "mjd_transitionFD fwd, ctr (us)");
        foreach (MuJoCoBenchRow r in report.Rows)
        {
            MuJoCoBenchRow one = report.Rows.First(o => o.Env == r.Env && o.Threads == 1);
            bool first = r.Threads == 1;
            table.AddRow(r.Env, r.Threads.ToString(CultureInfo.InvariantCulture), F(r.ControlStepsPerSecond, "F0"), F(r.CStepsPerSecond, "F0"),
                F(r.RatioVsC, "F3"), F(r.RatioVsCCpu, "F3"),
                first ? "" : $"{F(r.ControlStepsPerSecond / one.ControlStepsPerSecond, "F2")}, {F(r.CStepsPerSecond / one.CStepsPerSecond, "F2")}",
                first ? $"{F(r.FdForwardUs, "F1")}, {F(r.FdCenteredUs, "F1")}" : "",
                first ? $"{F(r.CFdForwardUs, "F1")}, {F(r.CFdCenteredUs, "F1")}" : "");
        }
        context.Console.Write(table);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MuJoCo {report.MuJoCo}, CPU {report.Cpu}, {report.Repeats} alternating runs per figure, reset every {report.Horizon} steps; load average {F(report.LoadBefore, "F2")} before, {F(report.LoadAfter, "F2")} after."));
        context.Output.WriteLine(report.CError is { } error ? $"C program unavailable: {error}"
            : report.TrajectoriesMatch == true ? "Every C# run ended in exactly the state of its C run (same controls, same trajectories)."
            : $"Final states differ: {string.Join("; ", report.Mismatches)}");
        return 0;
    }

    private static string F(double? v, string format) => v?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}
