// `dotnet pack` of the solution: a package and a symbols package for every library of src/ with its id, description and
// README (the MuJoCo one with the native shim as a linux-x64 asset), and `control` as a .NET tool that installs from the
// local feed alone into a temporary folder and runs. Packs what the test run already built (--no-build).
using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Control.Cli.Tests;

public sealed class PackageTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ctl-pack-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void TheSolutionPacksIntoLibrariesAndAToolThatInstallsFromTheLocalFeedAndRuns()
    {
        string feed = Path.Combine(directory, "feed");
        Run("dotnet", ["pack", Path.Combine(Root, "Control.sln"), "--no-build", "-c", Configuration, "-o", feed], Root);

        string[] libraries = [.. Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension)
            .Where(name => name != "Control.Cli").Select(name => name!)];
        Assert.NotEmpty(libraries);
        foreach (string id in libraries.Append("Control.Cli"))
        {
            string package = Path.Combine(feed, $"{id}.{Version}.nupkg");
            Assert.True(File.Exists(package), $"no {package}");
            Assert.True(File.Exists(Path.Combine(feed, $"{id}.{Version}.snupkg")), $"no symbols package for {id}");
            using ZipArchive zip = ZipFile.OpenRead(package);
            XElement metadata = Nuspec(zip);
            Assert.Equal(id, Field(metadata, "id"));
            Assert.False(string.IsNullOrWhiteSpace(Field(metadata, "description")), $"{id} has no description");
            Assert.Equal("README.md", Field(metadata, "readme"));
            Assert.NotNull(zip.GetEntry("README.md"));
            if (id != "Control.Cli") Assert.NotNull(zip.GetEntry($"lib/net10.0/{id}.dll"));
        }
        using (ZipArchive mujoco = ZipFile.OpenRead(Path.Combine(feed, $"Control.Robots.MuJoCo.{Version}.nupkg")))
            Assert.NotNull(mujoco.GetEntry("runtimes/linux-x64/native/libcontrol_mujoco.so"));
        using (ZipArchive tool = ZipFile.OpenRead(Path.Combine(feed, $"Control.Cli.{Version}.nupkg")))
        {
            Assert.Contains(Nuspec(tool).Descendants().Where(e => e.Name.LocalName == "packageType"), e => (string?)e.Attribute("name") == "DotnetTool");
            Assert.NotNull(tool.GetEntry("tools/net10.0/any/control.dll"));
            Assert.NotNull(tool.GetEntry("tools/net10.0/any/DotnetToolSettings.xml"));
        }

        // A NuGet.config with the local feed as its only source: the tool package carries its dependencies, so the install is offline.
        string config = Path.Combine(directory, "NuGet.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        string tools = Path.Combine(directory, "tools");
        Run("dotnet", ["tool", "install", "Control.Cli", "--version", Version, "--tool-path", tools, "--configfile", config], directory);
        string envs = Run(Path.Combine(tools, "control"), ["envs", "--json"], directory);
        Assert.Contains("\"name\":\"cartpole\"", envs);
        Assert.Contains("\"name\":\"mj-hopper\"", envs);
        // The MuJoCo shim travels with the tool: a MuJoCo robot steps.
        Assert.NotEmpty(Run(Path.Combine(tools, "control"), ["rollout", "--env", "mj-cartpole-swingup", "--random", "--steps", "3", "--json"], directory));
    }

    private const string Version = "0.1.0";

    private static string Root { get; } = FindRoot();

    // The tests' output folder is bin/CONFIGURATION/TFM: the solution was built in the same configuration.
    private static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static XElement Nuspec(ZipArchive zip)
    {
        ZipArchiveEntry entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Field(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static string Run(string file, string[] args, string workingDirectory)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (string a in args) start.ArgumentList.Add(a);
        // The installed tool's own configuration, not the test host's.
        start.Environment.Remove("DOTNET_STARTUP_HOOKS");
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish in 10 minutes");
        }
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
        return output.Result;
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Control.sln"))) return d.FullName;
        throw new DirectoryNotFoundException($"no Control.sln above {AppContext.BaseDirectory}");
    }
}
