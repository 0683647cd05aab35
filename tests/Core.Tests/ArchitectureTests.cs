// The layering of docs/architecture.md, checked on the repository itself: every project reference of a src project
// (and of the measuring library bench/Control.Bench.Runs) must be an edge of the documented graph, every src project must be in the graph, and tests/ must mirror src/ (one
// test project per source project, referencing it, with the same folders).
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Control.Core.Tests;

public partial class ArchitectureTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void EverySourceProjectReferencesOnlyTheProjectsTheGraphAllows()
    {
        Dictionary<string, HashSet<string>> graph = DocumentedGraph();
        var violations = new List<string>();
        foreach (string project in SourceProjects().Concat(Directory.GetFiles(Path.Combine(Root, "bench"), "Control.Bench.Runs.csproj", SearchOption.AllDirectories)))
        {
            string name = ProjectName(project);
            if (!graph.TryGetValue(name, out HashSet<string>? allowed))
            {
                violations.Add($"{name}: not in the graph of docs/architecture.md");
                continue;
            }
            foreach (string reference in ProjectReferences(project))
            {
                if (!allowed.Contains(reference)) violations.Add($"{name} -> {reference}: not an edge of the documented graph (allowed: {string.Join(", ", allowed)})");
            }
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void TheGraphHasNoCyclesAndCoreDependsOnNothing()
    {
        Dictionary<string, HashSet<string>> graph = DocumentedGraph();
        Assert.Empty(graph["Core"]);
        var state = new Dictionary<string, int>();
        bool Visit(string node)
        {
            if (state.TryGetValue(node, out int s)) return s == 2;
            state[node] = 1;
            foreach (string next in graph.GetValueOrDefault(node) ?? []) if (!Visit(next)) return false;
            state[node] = 2;
            return true;
        }
        Assert.All(graph.Keys, node => Assert.True(Visit(node), $"the documented graph has a cycle through {node}"));
    }

    [Fact]
    public void TestsMirrorSource()
    {
        var problems = new List<string>();
        foreach (string project in SourceProjects())
        {
            string name = ProjectName(project);
            string sourceDirectory = Path.GetDirectoryName(project)!;
            string testDirectory = Path.Combine(Root, "tests", $"{name}.Tests");
            string testProject = Path.Combine(testDirectory, $"Control.{name}.Tests.csproj");
            if (!File.Exists(testProject))
            {
                problems.Add($"{name}: expected the test project tests/{name}.Tests/Control.{name}.Tests.csproj");
                continue;
            }
            if (!ProjectReferences(testProject).Contains(name)) problems.Add($"tests/{name}.Tests: does not reference src/{name}");
            foreach (string folder in Folders(testDirectory))
            {
                if (folder == "Reference") continue;
                if (!Directory.Exists(Path.Combine(sourceDirectory, folder))) problems.Add($"tests/{name}.Tests/{folder}: no folder src/{name}/{folder} to mirror");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TheGraphParserReadsEdgesAndRejectsUnknownNames()
    {
        Dictionary<string, HashSet<string>> graph = ParseGraph("```graph\nA ->\nB -> A\nC -> A, B\n```");
        Assert.Equal(["A", "B"], graph["C"].Order());
        Assert.Empty(graph["A"]);
        Assert.Throws<InvalidDataException>(() => ParseGraph("```graph\nA -> Z\n```"));
        Assert.Throws<InvalidDataException>(() => ParseGraph("no graph here"));
    }

    private static Dictionary<string, HashSet<string>> DocumentedGraph() => ParseGraph(File.ReadAllText(Path.Combine(Root, "docs", "architecture.md")));

    // The fenced ```graph block: "Name -> A, B" per line.
    private static Dictionary<string, HashSet<string>> ParseGraph(string markdown)
    {
        Match block = GraphBlock().Match(markdown);
        if (!block.Success) throw new InvalidDataException("docs/architecture.md: expected a ```graph block listing the project references.");
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (string line in block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] sides = line.Split("->");
            if (sides.Length != 2) throw new InvalidDataException($"graph line '{line}': expected 'Project -> A, B'.");
            graph[sides[0].Trim()] = [.. sides[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
        foreach ((string from, HashSet<string> to) in graph)
        {
            foreach (string target in to)
            {
                if (!graph.ContainsKey(target)) throw new InvalidDataException($"graph edge {from} -> {target}: {target} has no line of its own.");
            }
        }
        return graph;
    }

    private static IEnumerable<string> SourceProjects() => Directory.GetFiles(Path.Combine(Root, "src"), "*.csproj", SearchOption.AllDirectories).Order();

    // "src/Planning/Control.Planning.csproj" -> "Planning"; "bench/Control.Bench.Runs/Control.Bench.Runs.csproj" -> "Bench.Runs".
    private static string ProjectName(string csproj) => Path.GetFileNameWithoutExtension(csproj)["Control.".Length..];

    private static HashSet<string> ProjectReferences(string csproj) =>
        [.. XDocument.Load(csproj).Descendants("ProjectReference").Select(r => ProjectName(r.Attribute("Include")!.Value.Replace('\\', '/')))];

    private static IEnumerable<string> Folders(string directory) =>
        Directory.GetDirectories(directory, "*", SearchOption.AllDirectories)
            .Select(d => Path.GetRelativePath(directory, d).Replace('\\', '/'))
            .Where(d => !d.Split('/').Any(part => part is "bin" or "obj"));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Control.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"no Control.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"```graph\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex GraphBlock();
}
