// Runs a built example of examples/ as its own process (`dotnet Control.Examples.X.dll ARGS`), the build configuration
// the tests were built in, and returns its exit code and output.
using System.Diagnostics;

namespace Control.Examples.Tests;

internal static class ExampleRunner
{
    /// <summary>The repository root: the first folder above the tests' output that holds Control.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Runs example <paramref name="name"/> (its folder under examples/) with <paramref name="args"/>; fails after <paramref name="timeoutSeconds"/>.</summary>
    public static (int Code, string Output, string Error) Run(string name, int timeoutSeconds, params string[] args)
    {
        // The tests' own output folder is bin/CONFIGURATION/TFM: the examples were built in the same configuration.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = output.Parent!.Name, framework = output.Name;
        string dll = Path.Combine(Root, "examples", name, "bin", configuration, framework, $"Control.Examples.{name}.dll");
        Assert.True(File.Exists(dll), $"{dll} was not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        start.ArgumentList.Add(dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{name} did not finish in {timeoutSeconds} s; output so far:\n{stdout.Result}\n{stderr.Result}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Control.sln"))) return d.FullName;
        throw new DirectoryNotFoundException($"no Control.sln above {AppContext.BaseDirectory}");
    }
}
