// The plots of run directories, one kind per file a run leaves (Experiments' RunFiles):
//   metrics.csv     learning curve: episode return against env steps; several runs (seeds) give their mean and
//                   the min-max band on a common grid of env steps
//   mbrl.csv        model-based iterations: holdout loss, multi-step error and episode return against env steps
//   trajectory.csv  a planned-and-executed episode: states and controls against time
//   ticks.csv       control-loop timing: a histogram of the tick times
// Every file is read and checked before anything is drawn, so a bad file fails with its name, line and column.
using Control.Experiments.Artifacts;
using ScottPlot;

namespace Control.Cli.Plots;

/// <summary>Builds the figures of run directories.</summary>
public static class RunPlots
{
    /// <summary>Columns a learning curve takes its return from, in order of preference (online training, offline training, distillation).</summary>
    public static readonly string[] ReturnColumns = ["rollout/episode_return", "eval/return", "eval/policy_return"];

    /// <summary>The files a run directory must hold at least one of.</summary>
    public static readonly string[] Known = [RunFiles.Metrics, RunFiles.ModelBasedIterations, RunFiles.Trajectory, RunFiles.Ticks];

    /// <summary>Grid points of the mean curve of several runs.</summary>
    private const int GridPoints = 200;

    /// <summary>
    /// The panels of <paramref name="directories"/>: one learning curve over every directory with metrics.csv, then for
    /// each directory its model-based iterations, trajectory and tick timing, as far as it has the files.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">A directory does not exist.</exception>
    /// <exception cref="InvalidDataException">A directory holds none of the known files, or a file is malformed or lacks a column.</exception>
    public static List<Plot> Panels(IReadOnlyList<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        if (directories.Count == 0) throw new ArgumentException("expected at least one run directory");
        foreach (string directory in directories)
        {
            if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"expected a run directory, '{directory}' does not exist");
            if (!Known.Any(f => File.Exists(Path.Combine(directory, f))))
            {
                throw new InvalidDataException($"{directory}: expected a run directory with {string.Join(", ", Known)} "
                    + "(written by `control train`, `mbrl`, `plan` or `run` with --out DIR), found none of them");
            }
        }
        var panels = new List<Plot>();
        string[] learning = [.. directories.Where(d => File.Exists(Path.Combine(d, RunFiles.Metrics)))];
        if (learning.Length > 0) panels.Add(LearningCurve([.. learning.Select(d => CsvTable.Load(Path.Combine(d, RunFiles.Metrics)))]));
        foreach (string directory in directories)
        {
            string mbrl = Path.Combine(directory, RunFiles.ModelBasedIterations);
            if (File.Exists(mbrl)) panels.AddRange(ModelBasedIterations(CsvTable.Load(mbrl)));
            string trajectory = Path.Combine(directory, RunFiles.Trajectory);
            if (File.Exists(trajectory)) panels.AddRange(Trajectory(CsvTable.Load(trajectory)));
            string ticks = Path.Combine(directory, RunFiles.Ticks);
            if (File.Exists(ticks)) panels.Add(TickTiming(CsvTable.Load(ticks)));
        }
        return panels;
    }

    /// <summary>
    /// Episode return against env steps (iterations when the runs took no env steps: offline training). One run: its
    /// curve. Several: the mean over the runs and the band between their minimum and maximum, on a common grid
    /// spanning the env steps every run reached (each run interpolated linearly between its logged points).
    /// </summary>
    public static Plot LearningCurve(IReadOnlyList<CsvTable> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        string column = ReturnColumns.FirstOrDefault(c => runs.All(r => r.Has(c)))
            ?? throw new InvalidDataException($"{runs.First(r => !ReturnColumns.Any(r.Has)).Path}: expected a return column ({string.Join(", ", ReturnColumns)}), the header has {string.Join(", ", runs.First(r => !ReturnColumns.Any(r.Has)).Names)}");
        bool offline = runs.All(r => r.Column("env_steps").All(s => s == 0));
        string xColumn = offline ? "iteration" : "env_steps";
        var curves = runs.Select(r => Finite(r.Column(xColumn), r.Column(column), r.Path, column)).ToList();
        var plot = new Plot();
        if (curves.Count == 1)
        {
            plot.Add.ScatterLine(curves[0].X, curves[0].Y).LegendText = column;
        }
        else
        {
            double start = curves.Max(c => c.X[0]), end = curves.Min(c => c.X[^1]);
            if (!(end > start)) throw new InvalidDataException($"the runs share no range of {xColumn} to average over ({string.Join(", ", runs.Select(r => r.Path))})");
            double[] grid = [.. Enumerable.Range(0, GridPoints).Select(i => start + (end - start) * i / (GridPoints - 1))];
            double[][] at = [.. curves.Select(c => grid.Select(x => Interpolate(c.X, c.Y, x)).ToArray())];
            double[] mean = [.. grid.Select((_, i) => at.Average(a => a[i]))];
            double[] low = [.. grid.Select((_, i) => at.Min(a => a[i]))];
            double[] high = [.. grid.Select((_, i) => at.Max(a => a[i]))];
            var band = plot.Add.FillY(grid, high, low);
            band.FillStyle.Color = Colors.C0.WithAlpha(0.25);
            band.LineStyle.Width = 0;
            band.LegendText = $"min-max over {runs.Count} runs";
            var line = plot.Add.ScatterLine(grid, mean);
            line.Color = Colors.C0;
            line.LineWidth = 2;
            line.LegendText = "mean";
        }
        plot.Title(curves.Count == 1 ? $"Learning curve ({column})" : $"Learning curve ({column}): mean and min-max of {runs.Count} runs");
        plot.XLabel(offline ? "training iterations" : "env steps");
        plot.YLabel("episode return (sum of rewards)");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>Three panels of a model-based run against real env steps: the model's holdout loss, its multi-step error, the episode return.</summary>
    public static Plot[] ModelBasedIterations(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        double[] steps = table.Column("env_steps");
        (string Column, string Title, string Label)[] panels =
        [
            ("holdout_loss", "Model-based iterations: holdout loss of the model after each fit", "holdout loss (mean squared error, normalized)"),
            ("multi_step_error", "Model-based iterations: open-loop multi-step prediction error", "multi-step error (mean squared, state units^2)"),
            ("episode_return", "Model-based iterations: return of each iteration's episode", "episode return (sum of rewards)"),
        ];
        return [.. panels.Select(p =>
        {
            (double[] x, double[] y) = Finite(steps, table.Column(p.Column), table.Path, p.Column);
            var plot = new Plot();
            plot.Add.Scatter(x, y);
            plot.Title(p.Title);
            plot.XLabel("real env steps");
            plot.YLabel(p.Label);
            return plot;
        })];
    }

    /// <summary>Two panels of an executed MPC episode: every state component, then every control, against time.</summary>
    public static Plot[] Trajectory(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        double[] time = table.Column("time_s");
        string[] states = [.. table.Names.Where(n => n.Length > 1 && n[0] == 'x' && char.IsDigit(n[1]))];
        string[] controls = [.. table.Names.Where(n => n.Length > 1 && n[0] == 'u' && char.IsDigit(n[1]))];
        if (states.Length == 0 || controls.Length == 0)
            throw new InvalidDataException($"{table.Path}: expected state columns x0, x1, ... and control columns u0, ...; the header has {string.Join(", ", table.Names)}");
        Plot Panel(string[] columns, string title, string label)
        {
            var plot = new Plot();
            foreach (string c in columns) plot.Add.ScatterLine(time, table.Column(c)).LegendText = c;
            plot.Title(title);
            plot.XLabel("time (s)");
            plot.YLabel(label);
            plot.ShowLegend(Alignment.UpperRight);
            return plot;
        }
        return
        [
            Panel(states, "Executed trajectory: states", "state (SI units: m, rad, m/s, rad/s)"),
            Panel(controls, "Executed trajectory: controls", "control (SI units: N, N m)"),
        ];
    }

    /// <summary>A histogram of the control loop's tick times (each tick's work: read, policy, filter, write).</summary>
    public static Plot TickTiming(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        double[] busy = table.Column("busy_us");
        double[] sorted = [.. busy.Order()];
        double P(int percent) => sorted[Math.Max(1, (percent * sorted.Length + 99) / 100) - 1];
        // The bins span the minimum to 1.5 p99, so that one slow tick (the first one's page faults, a preemption) does
        // not squeeze every other tick into the first bin; the ticks beyond are counted in the title.
        double upper = Math.Min(sorted[^1], 1.5 * P(99));
        if (!(upper > sorted[0])) upper = sorted[0] + 1;
        int beyond = sorted.Count(v => v > upper);
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(50, sorted[0], upper);
        histogram.AddRange(busy.Where(v => v <= upper));
        var plot = new Plot();
        plot.Add.Histogram(histogram);
        plot.Title($"Control-loop tick time: {busy.Length} ticks, p50 {P(50):F1} us, p99 {P(99):F1} us, max {sorted[^1]:F1} us"
            + (beyond > 0 ? $" ({beyond} above {upper:F0} us not drawn)" : ""));
        plot.XLabel("tick work time (us)");
        plot.YLabel("ticks");
        return plot;
    }

    // The rows where both values are finite (a return is NaN until the first episode ends), in order of x.
    private static (double[] X, double[] Y) Finite(double[] x, double[] y, string path, string column)
    {
        int[] keep = [.. Enumerable.Range(0, x.Length).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).OrderBy(i => x[i])];
        if (keep.Length == 0) throw new InvalidDataException($"{path}: expected finite values in column '{column}', got none");
        return ([.. keep.Select(i => x[i])], [.. keep.Select(i => y[i])]);
    }

    // Linear interpolation of (xs, ys) at x, xs ascending and x within [xs[0], xs[^1]].
    private static double Interpolate(double[] xs, double[] ys, double x)
    {
        int hi = Array.BinarySearch(xs, x);
        if (hi >= 0) return ys[hi];
        hi = ~hi;
        if (hi == 0) return ys[0];
        if (hi == xs.Length) return ys[^1];
        double w = (x - xs[hi - 1]) / (xs[hi] - xs[hi - 1]);
        return ys[hi - 1] + w * (ys[hi] - ys[hi - 1]);
    }
}
