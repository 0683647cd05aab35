// `control report`: one self-contained HTML file of a run directory (Reports/RunReport), written atomically.
using System.CommandLine;
using System.Text;
using Control.Cli.Reports;
using Control.Core;

namespace Control.Cli.Commands;

/// <summary>`control report`.</summary>
public static class ReportCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var directory = new Argument<string>("RUN_DIR") { Description = "A run directory written with --out by `control train`, `mbrl`, `plan` or `run`." };
        var output = new Option<string?>("--out") { Description = "The HTML file (default: report.html in RUN_DIR)." };
        var command = new Command("report", "Write a run's report: one HTML file with its figures, config, plots (inline SVG) and the machine it ran on.") { directory, output };
        command.SetAction(parse => context.Guard(() =>
        {
            string run = parse.GetValue(directory)!;
            string path = parse.GetValue(output) ?? Path.Combine(run, "report.html");
            string html = RunReport.Html(run);
            AtomicFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(html)));
            context.Output.WriteLine($"{path}: report of {run}");
            return 0;
        }));
        return command;
    }
}
