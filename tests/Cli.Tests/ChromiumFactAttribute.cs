// A test that needs Debian's chromium (test.sh installs it): skipped, saying why, only when no chromium is found.
namespace Control.Cli.Tests;

/// <summary>A fact skipped with a clear reason when chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Path is null) Skip = "chromium not found on PATH (./test.sh installs Debian's chromium): the headless rendering of the report is not tested";
    }

    /// <summary>The chromium executable, or null.</summary>
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        string[] names = ["chromium", "chromium-browser"];
        IEnumerable<string> directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.SelectMany(d => names.Select(n => System.IO.Path.Combine(d, n))).FirstOrDefault(File.Exists);
    }
}
