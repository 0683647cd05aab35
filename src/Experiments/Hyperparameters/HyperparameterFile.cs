// A hyperparameter file: the algorithm, the env and the algorithm's config record, as `control presets` prints it and
// `control train --config` reads it back:
//
//   algo: ppo
//   env: cartpole
//   config:
//     envs: 8
//     learning_rate: 0.001
//     network:
//       hidden: [64, 64]
//
// A config key left out takes the record's documented default (not the env's preset), so that the file alone says
// what runs. Every key and value is checked against the record (ConfigYaml) and refused by name.
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Control.Experiments.Hyperparameters;

/// <summary>A parsed hyperparameter file.</summary>
/// <param name="Algorithm">Algorithm name (the registries' names, as --algo takes them).</param>
/// <param name="Env">Env name.</param>
/// <param name="Config">The algorithm's config record.</param>
/// <param name="Source">The file it was read from.</param>
public sealed record HyperparameterFile(string Algorithm, string Env, object Config, string Source)
{
    private static readonly string[] Keys = ["algo", "env", "config"];

    /// <summary>The file text of <paramref name="config"/>, the config of <paramref name="algorithm"/> on <paramref name="env"/>, under comment lines of <paramref name="comment"/>.</summary>
    public static string Write(string algorithm, string env, object config, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = new StringBuilder();
        foreach (string line in (comment ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)) text.Append("# ").Append(line.TrimEnd()).Append('\n');
        text.Append("algo: ").Append(algorithm).Append('\n');
        text.Append("env: ").Append(env).Append('\n');
        text.Append("config:\n");
        ConfigYaml.Write(text, config, 2);
        return text.ToString();
    }

    /// <summary>Reads and checks the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="HyperparameterException">Not YAML, a missing or unknown key, or a value of the wrong type.</exception>
    public static HyperparameterFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such hyperparameter file", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads and checks <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="HyperparameterException">Not YAML, a missing or unknown key, or a value of the wrong type.</exception>
    public static HyperparameterFile Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new HyperparameterException($"{source}:{e.Start.Line}", "(file)", "YAML", $"a syntax error ({e.Message})");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet raises these instead of a YamlException on some damaged inputs: its scanner on unterminated flow
            // collections (InvalidOperationException), its node loader on an event it does not expect (ArgumentException).
            throw new HyperparameterException(source, "(file)", "YAML", $"a syntax error ({e.Message})");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new HyperparameterException(source, "(file)", "one YAML document, a mapping with algo, env and config", stream.Documents.Count == 0 ? "an empty file" : "something else");
        foreach (YamlNode key in root.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } name } || !Keys.Contains(name))
                throw new HyperparameterException($"{source}:{key.Start.Line}", key.ToString(), $"one of the keys {string.Join(", ", Keys)}", "an unknown key");
        }
        string algorithm = Name(root, "algo", source);
        string env = Name(root, "env", source);
        object defaults;
        try
        {
            defaults = Activator.CreateInstance(AlgorithmPresets.For(algorithm, env, 0).GetType())!;
        }
        catch (ArgumentException e) when (e is not HyperparameterException)
        {
            throw new HyperparameterException(At(source, root, "algo"), "algo", $"one of {string.Join(", ", AlgorithmPresets.Names)}", $"'{algorithm}'");
        }
        object config = root.Children.TryGetValue(new YamlScalarNode("config"), out YamlNode? node) ? node switch
        {
            YamlMappingNode mapping => ConfigYaml.Read(defaults, mapping, source, "config"),
            YamlScalarNode { Value: null or "" } => defaults,
            _ => throw new HyperparameterException($"{source}:{node.Start.Line}", "config", $"a mapping of the keys of {defaults.GetType().Name}", "something else"),
        } : defaults;
        return new HyperparameterFile(algorithm, env, config, source);
    }

    private static string Name(YamlMappingNode root, string key, string source)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node))
            throw new HyperparameterException(source, key, "a name", "nothing (the key is missing)");
        return node is YamlScalarNode { Value: { Length: > 0 } value } ? value
            : throw new HyperparameterException($"{source}:{node.Start.Line}", key, "a name", node is YamlScalarNode ? "an empty value" : "a list or a mapping");
    }

    private static string At(string source, YamlMappingNode root, string key)
        => root.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) ? $"{source}:{node.Start.Line}" : source;
}
