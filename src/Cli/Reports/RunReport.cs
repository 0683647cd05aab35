// The HTML report of one run directory, `control report`: a single self-contained file a person opens in a
// browser, with no script and nothing fetched: the run's final figures (summary.json), its config (the
// checkpoint's run section), its plots as inline SVG (Plots/RunPlots), and the machine and versions it ran with.
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Control.Cli.Plots;
using Control.Experiments;
using Control.Experiments.Artifacts;
using Control.Policies.Common;
using Control.Policies.Registry;

namespace Control.Cli.Reports;

/// <summary>Builds the HTML report of a run directory.</summary>
public static partial class RunReport
{
    /// <summary>
    /// The report of <paramref name="directory"/> as one HTML document. Every file is read and every plot drawn before
    /// the text is returned, so a bad directory fails before anything is written.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="InvalidDataException">It holds no run files, or one is malformed.</exception>
    public static string Html(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"expected a run directory, '{directory}' does not exist");
        string summaryPath = Path.Combine(directory, RunFiles.Summary);
        bool hasPlots = RunPlots.Known.Any(f => File.Exists(Path.Combine(directory, f)));
        if (!hasPlots && !File.Exists(summaryPath))
        {
            throw new InvalidDataException($"{directory}: expected a run directory with {RunFiles.Summary} or {string.Join(", ", RunPlots.Known)} "
                + "(written by `control train`, `mbrl`, `plan` or `run` with --out DIR), found none of them");
        }
        var html = new StringBuilder();
        string name = Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar));
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Control run report: {{E(name)}}</title>
            <style>
            body { font-family: sans-serif; margin: 24px; color: #222; background: #fff; max-width: {{Figure.PanelWidth + 40}}px; }
            h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ccc; }
            table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; font-size: 14px; }
            pre { background: #f4f4f4; padding: 8px; font-size: 13px; white-space: pre-wrap; }
            svg { display: block; margin: 8px 0; }
            </style></head><body>
            <h1>Control run report: {{E(name)}}</h1>
            <p>Run directory: <code>{{E(Path.GetFullPath(directory))}}</code></p>

            """);
        if (File.Exists(summaryPath)) AppendSummary(html, summaryPath);
        string checkpoint = Path.Combine(directory, RunFiles.Checkpoint);
        if (File.Exists(checkpoint)) AppendConfig(html, checkpoint);
        if (hasPlots)
        {
            html.Append("<h2>Plots</h2>\n");
            foreach (ScottPlot.Plot panel in RunPlots.Panels([directory])) html.Append(InlineSvg(new Figure([panel]).ToSvg())).Append('\n');
        }
        AppendEnvironment(html);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    // The final figures: every number, string and flag at the top of summary.json (lists by their length).
    private static void AppendSummary(StringBuilder html, string path)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: expected the JSON object a command writes with --out, got unreadable JSON ({e.Message})");
        }
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object, got {root.ValueKind}");
        html.Append("<h2>Final figures</h2>\n<table>\n");
        foreach (JsonProperty p in root.EnumerateObject())
        {
            string value = p.Value.ValueKind switch
            {
                JsonValueKind.Array => $"{p.Value.GetArrayLength()} entries",
                JsonValueKind.Object => "(object)",
                JsonValueKind.Number => p.Value.GetDouble().ToString("G6", CultureInfo.InvariantCulture),
                JsonValueKind.String => p.Value.GetString() ?? "",
                _ => p.Value.GetRawText(),
            };
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(p.Name)}</th><td>{E(value)}</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    // The algorithm, env, seed and config the checkpoint records.
    private static void AppendConfig(StringBuilder html, string path)
    {
        RunDescription run = Checkpoint.Load(path).GetJson<RunDescription>(RunDescription.Section);
        string config;
        try
        {
            config = JsonSerializer.Serialize(JsonDocument.Parse(run.Config).RootElement, new JsonSerializerOptions { WriteIndented = true });
        }
        catch (JsonException)
        {
            config = run.Config;
        }
        html.Append(CultureInfo.InvariantCulture, $"<h2>Config</h2>\n<p>{E(run.Algorithm)} on {E(run.Env)}, seed {run.Seed}</p>\n<pre>{E(config)}</pre>\n");
    }

    private static void AppendEnvironment(StringBuilder html)
    {
        string version = typeof(TrainRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        (string, string)[] rows =
        [
            ("OS", RuntimeInformation.OSDescription),
            ("CPU", $"{CpuModel()} ({Environment.ProcessorCount} logical processors, {RuntimeInformation.ProcessArchitecture})"),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("Control", version),
            ("report written", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
        ];
        html.Append("<h2>Environment</h2>\n<table>\n");
        foreach ((string key, string value) in rows) html.Append(CultureInfo.InvariantCulture, $"<tr><th>{E(key)}</th><td>{E(value)}</td></tr>\n");
        html.Append("</table>\n");
    }

    /// <summary>The CPU's model name (Linux: /proc/cpuinfo), or "unknown".</summary>
    public static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo)) return "unknown";
        string? line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
    }

    // An SVG document made an element of the HTML: its XML declaration dropped.
    private static string InlineSvg(string svg) => XmlDeclaration().Replace(svg, "", 1).Trim();

    private static string E(string text) => WebUtility.HtmlEncode(text);

    [GeneratedRegex(@"<\?xml[^>]*\?>")]
    private static partial Regex XmlDeclaration();
}
