// The live view of a run on a terminal: one Spectre.Console progress bar per stage, with the percentage, the
// remaining time (Spectre estimates it from the rate so far) and the stage's key figures in its description.
using System.Globalization;
using Control.Experiments.Progress;
using Spectre.Console;

namespace Control.Cli;

/// <summary>An <see cref="IRunProgress"/> drawing progress bars in a Spectre progress context.</summary>
public sealed class SpectreRunProgress(ProgressContext context) : IRunProgress
{
    private readonly Dictionary<string, ProgressTask> tasks = [];

    /// <summary>The columns of the bars: description with figures, bar, percentage, remaining time, spinner.</summary>
    public static ProgressColumn[] Columns =>
    [
        new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn(),
    ];

    /// <inheritdoc />
    public void Report(string stage, double done, double total, IReadOnlyList<KeyFigure> figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        if (!tasks.TryGetValue(stage, out ProgressTask? task))
        {
            task = context.AddTask(Markup.Escape(stage), maxValue: Math.Max(total, 1));
            tasks.Add(stage, task);
        }
        task.MaxValue = Math.Max(total, 1);
        task.Value = Math.Clamp(done, 0, task.MaxValue);
        task.Description = Describe(stage, figures);
    }

    /// <summary>The bar's text: the stage, then each figure as "name value" ("-" while not known).</summary>
    public static string Describe(string stage, IReadOnlyList<KeyFigure> figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        IEnumerable<string> shown = figures.Select(f => $"{f.Name} {(double.IsFinite(f.Value) ? f.Value.ToString(f.Format, CultureInfo.InvariantCulture) : "-")}");
        return Markup.Escape(string.Join("  ", shown.Prepend(stage)));
    }
}
