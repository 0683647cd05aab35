// A test that needs Debian's chromium (test.sh installs it). On a developer's machine without chromium it is skipped,
// saying why; under CI (the environment variable CI is "true") it runs and fails instead, since test.sh installed
// chromium there and a missing one means that install broke, which a silent skip would hide.
using Xunit.Sdk;

namespace Control.Cli.Tests;

/// <summary>A fact skipped with a clear reason when chromium is not installed, except under CI, where it fails.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute() => Skip = SkipReason(Path, Environment.GetEnvironmentVariable("CI"));

    /// <summary>The chromium executable, or null.</summary>
    public static string? Path { get; } = Find();

    /// <summary>Why a chromium test is skipped: null (it runs) when chromium was found or when <paramref name="ci"/> is "true".</summary>
    public static string? SkipReason(string? path, string? ci)
        => path is not null || IsCi(ci) ? null
            : "chromium not found on PATH (./test.sh installs Debian's chromium): the headless rendering of the report is not tested";

    /// <summary>The chromium executable; under CI without one, the test's failure naming the broken install.</summary>
    /// <exception cref="XunitException">No chromium on PATH.</exception>
    public static string Required()
        => Path ?? throw new XunitException("CI is \"true\" but chromium is not on PATH: ./test.sh installs Debian's chromium, so that install failed");

    private static bool IsCi(string? ci) => string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase);

    private static string? Find()
    {
        string[] names = ["chromium", "chromium-browser"];
        IEnumerable<string> directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.SelectMany(d => names.Select(n => System.IO.Path.Combine(d, n))).FirstOrDefault(File.Exists);
    }
}
