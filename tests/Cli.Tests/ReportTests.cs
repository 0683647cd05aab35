// `control report` in-process: one self-contained HTML file (inline SVG plots, the final figures, the environment,
// nothing fetched, no script), which headless chromium renders to a PNG of the window's size that is not blank;
// and bad input as one line, exit code 2 and no file.
using System.Diagnostics;

namespace Control.Cli.Tests;

public sealed class ReportTests : RunFilesTests
{
    private string TrainingRun()
    {
        string directory = Runs.Training("ppo-run", 0);
        File.WriteAllText(Path.Combine(directory, "summary.json"),
            "{\"algo\":\"ppo\",\"env\":\"pendulum\",\"seed\":0,\"eval_return\":-150.25,\"steps_per_second\":2500,\"checkpoint\":null}\n");
        return directory;
    }

    [Fact]
    public void TheReportIsOneSelfContainedHtmlFile()
    {
        string directory = TrainingRun();
        string html = Path.Combine(Runs.Root, "report.html");
        (int code, _, string error) = Run("report", directory, "--out", html);
        Assert.True(code == 0, error);
        string text = File.ReadAllText(html);
        Assert.StartsWith("<!DOCTYPE html>", text);
        Assert.Contains("<svg", text);
        Assert.DoesNotContain("<?xml", text);
        Assert.Contains("Learning curve (rollout/episode_return)", text);
        Assert.Contains("<th>eval_return</th><td>-150.25</td>", text);
        foreach (string row in new[] { "<th>OS</th>", "<th>CPU</th>", "<th>.NET</th>", "<th>Control</th>" }) Assert.Contains(row, text);
        Assert.DoesNotContain("<script", text);
        Assert.DoesNotContain("http://", text.Replace("http://www.w3.org/", ""));
        Assert.DoesNotContain("https://", text);
    }

    [ChromiumFact]
    public void HeadlessChromiumRendersTheReport()
    {
        string directory = TrainingRun();
        string html = Path.Combine(Runs.Root, "report.html");
        Assert.Equal(0, Run("report", directory, "--out", html).Code);
        string png = Path.Combine(Runs.Root, "report.png");
        const int width = 900, height = 1200;
        var start = new ProcessStartInfo(ChromiumFactAttribute.Required())
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--user-data-dir={Path.Combine(Runs.Root, "chromium-profile")}",
                $"--screenshot={png}", $"--window-size={width},{height}", new Uri(html).AbsoluteUri,
            },
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using Process chromium = Process.Start(start)!;
        Task<string> stderr = chromium.StandardError.ReadToEndAsync();
        chromium.StandardOutput.ReadToEnd();
        Assert.True(chromium.WaitForExit(120_000), "chromium did not finish within 2 minutes");
        Assert.True(File.Exists(png), $"chromium wrote no screenshot (exit code {chromium.ExitCode}): {stderr.Result}");
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal((width, height), Images.PngSize(bytes));
        Assert.True(Images.LuminanceVariance(bytes) > 100, "the rendered report is blank");
    }

    [Theory]
    [InlineData("/usr/bin/chromium", null, false)]
    [InlineData("/usr/bin/chromium", "true", false)]
    [InlineData(null, null, true)]
    [InlineData(null, "false", true)]
    [InlineData(null, "true", false)]
    [InlineData(null, "TRUE", false)]
    public void WithoutChromiumTheTestIsSkippedExceptUnderCi(string? chromium, string? ci, bool skipped)
        => Assert.Equal(skipped, ChromiumFactAttribute.SkipReason(chromium, ci) is not null);

    [Fact]
    public void AMissingFolderIsRefused()
    {
        string html = Path.Combine(Runs.Root, "report.html");
        (int code, _, string error) = Run("report", Path.Combine(Runs.Root, "missing"), "--out", html);
        Assert.Equal(2, code);
        Assert.Contains("does not exist", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(html));
    }

    [Fact]
    public void AFolderWithABrokenFileWritesNothing()
    {
        string directory = Runs.Write("broken", "metrics.csv", "iteration,env_steps\n1,oops\n");
        string html = Path.Combine(Runs.Root, "report.html");
        (int code, _, string error) = Run("report", directory, "--out", html);
        Assert.Equal(2, code);
        Assert.Contains("expected a number in column 'env_steps', got 'oops'", error);
        Assert.False(File.Exists(html));
        Assert.Empty(Directory.GetFiles(Runs.Root, "*.tmp", SearchOption.AllDirectories));
    }
}
