// `control plot`: the figures of run directories (learning curves, model-based iterations, a trajectory, tick
// timing; see Plots/RunPlots) written to one PNG or SVG file.
using System.CommandLine;
using Control.Cli.Plots;

namespace Control.Cli.Commands;

/// <summary>`control plot`.</summary>
public static class PlotCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var directories = new Argument<string[]>("RUN_DIR")
        {
            Description = "Run directories written with --out by `control train` (several: mean and min-max band), `mbrl`, `plan` or `run`.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string?>("--out") { Description = "The figure, F.png or F.svg (default: plot.png in the first RUN_DIR)." };
        var command = new Command("plot", "Plot runs: learning curves, model-based iterations, a trajectory, control-loop tick timing.") { directories, output };
        command.SetAction(parse => context.Guard(() =>
        {
            string[] runs = parse.GetValue(directories)!;
            string path = parse.GetValue(output) ?? Path.Combine(runs[0], "plot.png");
            if (Path.GetExtension(path).ToLowerInvariant() is not (".png" or ".svg"))
                throw new ArgumentException($"--out: expected a file ending in .png or .svg, got '{path}'");
            var figure = new Figure(RunPlots.Panels(runs));
            figure.Save(path);
            context.Output.WriteLine($"{path}: {figure.Panels.Count} panel(s), {figure.Width} x {figure.Height} pixels");
            return 0;
        }));
        return command;
    }
}
