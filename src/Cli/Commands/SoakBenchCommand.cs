// `control bench soak`: training, planning and the control loop each run for --minutes, their working set, live heap
// and throughput sampled over time (bench/Control.Bench.Runs, SoakBench); a leak or a slowdown fails it (exit code 1).
using System.CommandLine;
using System.Globalization;
using Control.Bench.Runs;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control bench soak`.</summary>
public static class SoakBenchCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var minutes = new Option<double>("--minutes") { Description = "Minutes per phase (training, planning, control loop).", DefaultValueFactory = _ => 10 };
        var every = new Option<double>("--sample-seconds") { Description = "Seconds between samples.", DefaultValueFactory = _ => 5 };
        var command = new Command("soak", "Long run of training, planning and the control loop: memory and throughput over time; a leak or a slowdown fails (exit code 1).")
        {
            json, minutes, every,
        };
        command.SetAction(parse => context.Guard(() =>
        {
            bool quiet = parse.GetValue(json);
            SoakBenchReport report = context.WithProgress(quiet, bars => SoakBench.Run(parse.GetValue(minutes), parse.GetValue(every), quiet || bars is not null ? null : (phase, s) =>
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{phase,-12} {s.Seconds,7:F0} s  working set {s.WorkingSetMb,7:F1} MB  live heap {s.LiveHeapMb,7:F1} MB  {s.Throughput,10:F1}/s  {s.CpuThroughput,10:F1}/CPU s")), bars));
            if (quiet)
            {
                context.WriteJson(report);
                return report.Passed ? 0 : 1;
            }
            var table = new Table().AddColumns("phase", "unit", "samples", "first/last throughput", "last/second quarter: wall-clock throughput",
                "per CPU second (judged)", "live heap growth (MB)", "working set growth (MB)", "verdict");
            foreach (SoakPhase p in report.Phases)
            {
                table.AddRow(p.Name, p.Unit, p.Samples.Count.ToString(CultureInfo.InvariantCulture),
                    $"{F(p.Samples[0].Throughput)} / {F(p.Samples[^1].Throughput)}", p.ThroughputRatio.ToString("F2", CultureInfo.InvariantCulture),
                    p.CpuThroughputRatio.ToString("F2", CultureInfo.InvariantCulture),
                    F(p.HeapGrowthMb), F(p.WorkingSetGrowthMb), p.Leak ? "LEAK" : p.Slowdown ? "SLOWDOWN" : "ok");
            }
            context.Console.Write(table);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.MinutesPerPhase} minutes per phase; leak: growth > {SoakBench.LeakToleranceMb} MB, slowdown: throughput per CPU second, ratio < {SoakBench.SlowdownRatio}; {(report.Passed ? "passed" : "FAILED")}"));
            return report.Passed ? 0 : 1;
        }));
        return command;
    }

    private static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
}
