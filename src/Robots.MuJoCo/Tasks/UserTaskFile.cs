// The YAML file of a user task: which MJCF model, the env's name and time limit, the observation, the initial-state
// noise and the residual terms of the cost (the reward is minus the stage cost). Parsed node by node so that every
// error names the file, the field and its line. The format is documented in examples/mujoco/README.md.
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Control.Robots.MuJoCo.Tasks;

/// <summary>One piece of a user task's observation: all of qpos or qvel, a site's world position, or a sensor's values.</summary>
/// <param name="Kind">"qpos", "qvel", "site" or "sensor".</param>
/// <param name="Name">The site or sensor (null for qpos and qvel).</param>
/// <param name="Line">Line in the file.</param>
public sealed record UserObservationPiece(string Kind, string? Name, int Line);

/// <summary>One residual term of a user task.</summary>
/// <param name="Name">Unique term name.</param>
/// <param name="Kind">"qpos", "qvel" (of <see cref="Joint"/>), "site" (of <see cref="Site"/>), "sensor" or "control".</param>
/// <param name="Joint">The hinge or slide joint of a qpos or qvel term.</param>
/// <param name="Site">The site of a site term.</param>
/// <param name="ToSite">The other site a site term is measured to (instead of a fixed target).</param>
/// <param name="Sensor">The sensor of a sensor term.</param>
/// <param name="Target">Target value(s); zeros when absent.</param>
/// <param name="Axes">Axes (0 = x, 1 = y, 2 = z) of a site term; all three when absent.</param>
/// <param name="Actuators">Actuator indices of a control term; all when absent.</param>
/// <param name="Norm">"quadratic", "smooth-l2" or "smooth-abs".</param>
/// <param name="Smoothing">The smoothing p of the smooth norms.</param>
/// <param name="Weight">Stage weight.</param>
/// <param name="TerminalWeight">Terminal weight.</param>
/// <param name="Line">Line of the term in the file.</param>
public sealed record UserResidualTerm(string Name, string Kind, string? Joint, string? Site, string? ToSite, string? Sensor,
    double[]? Target, int[]? Axes, int[]? Actuators, string Norm, double Smoothing, double Weight, double TerminalWeight, int Line);

/// <summary>A parsed user task file (paths resolved; names not yet checked against the model).</summary>
public sealed record UserTaskFile
{
    /// <summary>Residual kinds a term may have.</summary>
    public static readonly string[] ResidualKinds = ["qpos", "qvel", "site", "sensor", "control"];

    /// <summary>Norms a term may use.</summary>
    public static readonly string[] Norms = ["quadratic", "smooth-l2", "smooth-abs"];

    /// <summary>Smoothing p of the smooth norms when a term gives none.</summary>
    public const double DefaultSmoothing = 0.01;

    /// <summary>The task file (full path).</summary>
    public required string File { get; init; }

    /// <summary>Env name.</summary>
    public required string Name { get; init; }

    /// <summary>The MJCF model (full path, given relative to the task file).</summary>
    public required string Model { get; init; }

    /// <summary>Line of the model field.</summary>
    public int ModelLine { get; init; }

    /// <summary>Actuators the task expects the model to have.</summary>
    public required int Actuators { get; init; }

    /// <summary>Line of the actuators field.</summary>
    public int ActuatorsLine { get; init; }

    /// <summary>Steps per episode.</summary>
    public required int Horizon { get; init; }

    /// <summary>mj_steps per env step. Default 1.</summary>
    public int Substeps { get; init; } = 1;

    /// <summary>One line for listings. Default: "user task from FILE".</summary>
    public string? Description { get; init; }

    /// <summary>The observation pieces, in order.</summary>
    public required IReadOnlyList<UserObservationPiece> Observation { get; init; }

    /// <summary>Half-width of the uniform noise on qpos0 (in tangent coordinates). Default 0.</summary>
    public double QposNoise { get; init; }

    /// <summary>Half-width of the uniform noise on the zero velocities. Default 0.</summary>
    public double QvelNoise { get; init; }

    /// <summary>The cost's terms.</summary>
    public required IReadOnlyList<UserResidualTerm> Residuals { get; init; }

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="MuJoCoTaskFileException">The file is missing, not YAML, or a field is missing or malformed.</exception>
    public static UserTaskFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string file = Path.GetFullPath(path);
        if (!System.IO.File.Exists(file)) throw new MuJoCoTaskFileException(file, "(file)", 0, "no such task file");
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new MuJoCoTaskFileException(file, "(file)", (int)e.Start.Line, $"not valid YAML: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet raises these instead of a YamlException on some damaged inputs: its scanner on unterminated flow
            // collections (InvalidOperationException), its node loader on an event it does not expect (ArgumentException).
            throw new MuJoCoTaskFileException(file, "(file)", 0, $"not valid YAML: {e.Message}", e);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new MuJoCoTaskFileException(file, "(file)", 1, "expected one YAML document holding a mapping of the task's fields");
        return new Reader(file, root).Read();
    }

    /// <summary>Reads the fields of the root mapping, with the file and line of each in its errors.</summary>
    private sealed class Reader(string file, YamlMappingNode root)
    {
        private static readonly string[] Fields = ["name", "description", "model", "actuators", "horizon", "substeps", "observation", "initial", "residuals"];
        private static readonly string[] TermFields = ["name", "kind", "joint", "site", "to_site", "sensor", "target", "axes", "actuators", "norm", "smoothing", "weight", "terminal"];

        public UserTaskFile Read()
        {
            Known(root, "", Fields);
            YamlNode modelNode = Required(root, "model");
            string model = Scalar(modelNode, "model");
            YamlNode actuators = Required(root, "actuators");
            return new UserTaskFile
            {
                File = file,
                Name = Scalar(Required(root, "name"), "name"),
                Description = Optional(root, "description") is { } d ? Scalar(d, "description") : null,
                Model = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, model)),
                ModelLine = Line(modelNode),
                Actuators = Integer(actuators, "actuators", 0),
                ActuatorsLine = Line(actuators),
                Horizon = Integer(Required(root, "horizon"), "horizon", 1),
                Substeps = Optional(root, "substeps") is { } s ? Integer(s, "substeps", 1) : 1,
                Observation = ReadObservation(Required(root, "observation")),
                QposNoise = Noise("qpos_noise"),
                QvelNoise = Noise("qvel_noise"),
                Residuals = ReadResiduals(Required(root, "residuals")),
            };
        }

        private double Noise(string field)
        {
            if (Optional(root, "initial") is not { } initial) return 0;
            YamlMappingNode mapping = Mapping(initial, "initial");
            Known(mapping, "initial.", ["qpos_noise", "qvel_noise"]);
            return Optional(mapping, field) is { } node ? Number(node, $"initial.{field}", minimum: 0) : 0;
        }

        private List<UserObservationPiece> ReadObservation(YamlNode node)
        {
            var pieces = new List<UserObservationPiece>();
            YamlSequenceNode sequence = Sequence(node, "observation");
            for (int i = 0; i < sequence.Children.Count; i++)
            {
                YamlNode item = sequence.Children[i];
                string field = $"observation[{i}]";
                if (item is YamlScalarNode { Value: "qpos" or "qvel" } whole)
                {
                    pieces.Add(new UserObservationPiece(whole.Value!, null, Line(item)));
                    continue;
                }
                if (item is YamlMappingNode { Children.Count: 1 } one && one.Children.First() is var (key, value)
                    && key is YamlScalarNode { Value: "site" or "sensor" } kind)
                {
                    pieces.Add(new UserObservationPiece(kind.Value!, Scalar(value, $"{field}.{kind.Value}"), Line(item)));
                    continue;
                }
                throw Error(field, item, $"expected qpos, qvel, {{site: NAME}} or {{sensor: NAME}}, got {Describe(item)}");
            }
            if (pieces.Count == 0) throw Error("observation", node, "expected at least one piece");
            return pieces;
        }

        private List<UserResidualTerm> ReadResiduals(YamlNode node)
        {
            var terms = new List<UserResidualTerm>();
            YamlSequenceNode sequence = Sequence(node, "residuals");
            for (int i = 0; i < sequence.Children.Count; i++)
            {
                string at = $"residuals[{i}]";
                YamlMappingNode term = Mapping(sequence.Children[i], at);
                Known(term, at + ".", TermFields);
                string kind = Scalar(Required(term, "kind", at), $"{at}.kind");
                if (!ResidualKinds.Contains(kind))
                    throw Error($"{at}.kind", Required(term, "kind", at), $"unknown residual kind '{kind}'; expected one of {string.Join(", ", ResidualKinds)}");
                string norm = Optional(term, "norm") is { } n ? Scalar(n, $"{at}.norm") : "quadratic";
                if (!Norms.Contains(norm))
                    throw Error($"{at}.norm", Optional(term, "norm")!, $"unknown norm '{norm}'; expected one of {string.Join(", ", Norms)}");
                string? Name(string field) => Optional(term, field) is { } v ? Scalar(v, $"{at}.{field}") : null;
                string? joint = Name("joint"), site = Name("site"), toSite = Name("to_site"), sensor = Name("sensor");
                string needs = kind switch { "qpos" or "qvel" => "joint", "site" => "site", "sensor" => "sensor", _ => "" };
                if (needs.Length > 0 && Optional(term, needs) is null)
                    throw Error($"{at}.{needs}", term, $"a {kind} term needs the field '{needs}'");
                double[]? target = Optional(term, "target") is { } t ? Numbers(t, $"{at}.target") : null;
                if (toSite is not null && target is not null)
                    throw Error($"{at}.target", term, "give a target or to_site, not both");
                double weight = Optional(term, "weight") is { } w ? Number(w, $"{at}.weight", 0) : 1;
                double terminal = Optional(term, "terminal") is { } tw ? Number(tw, $"{at}.terminal", 0) : kind == "control" ? 0 : weight;
                terms.Add(new UserResidualTerm(
                    Name("name") ?? $"{kind}{i}", kind, joint, site, toSite, sensor, target,
                    Optional(term, "axes") is { } a ? Integers(a, $"{at}.axes") : null,
                    Optional(term, "actuators") is { } ac ? Integers(ac, $"{at}.actuators") : null,
                    norm, Optional(term, "smoothing") is { } p ? Number(p, $"{at}.smoothing", double.Epsilon) : DefaultSmoothing,
                    weight, terminal, Line(term)));
            }
            if (terms.Count == 0) throw Error("residuals", node, "expected at least one term");
            return terms;
        }

        // ---- Nodes.
        private static int Line(YamlNode node) => (int)node.Start.Line;

        private MuJoCoTaskFileException Error(string field, YamlNode node, string message) => new(file, field, Line(node), message);

        private static YamlNode? Optional(YamlMappingNode mapping, string key)
            => mapping.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? value : null;

        private YamlNode Required(YamlMappingNode mapping, string key, string at = "")
            => Optional(mapping, key) ?? throw Error(at.Length == 0 ? key : $"{at}.{key}", mapping, "missing; expected this field");

        private void Known(YamlMappingNode mapping, string prefix, string[] fields)
        {
            foreach ((YamlNode key, _) in mapping.Children)
            {
                string name = (key as YamlScalarNode)?.Value ?? "";
                if (!fields.Contains(name)) throw Error(prefix + name, key, $"unknown field; expected one of {string.Join(", ", fields)}");
            }
        }

        private YamlMappingNode Mapping(YamlNode node, string field)
            => node as YamlMappingNode ?? throw Error(field, node, $"expected a mapping, got {Describe(node)}");

        private YamlSequenceNode Sequence(YamlNode node, string field)
            => node as YamlSequenceNode ?? throw Error(field, node, $"expected a list, got {Describe(node)}");

        private string Scalar(YamlNode node, string field)
            => node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw Error(field, node, $"expected a non-empty value, got {Describe(node)}");

        private int Integer(YamlNode node, string field, int minimum)
        {
            string text = Scalar(node, field);
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
                throw Error(field, node, $"expected an integer >= {minimum}, got '{text}'");
            return value;
        }

        private double Number(YamlNode node, string field, double minimum = double.NegativeInfinity)
        {
            string text = Scalar(node, field);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value < minimum)
                throw Error(field, node, $"expected a finite number{(double.IsFinite(minimum) ? $" >= {minimum.ToString(CultureInfo.InvariantCulture)}" : "")}, got '{text}'");
            return value;
        }

        private double[] Numbers(YamlNode node, string field)
            => node is YamlSequenceNode list ? list.Children.Select((c, i) => Number(c, $"{field}[{i}]")).ToArray() : [Number(node, field)];

        private int[] Integers(YamlNode node, string field)
            => node is YamlSequenceNode list ? list.Children.Select((c, i) => Integer(c, $"{field}[{i}]", 0)).ToArray() : [Integer(node, field, 0)];

        private static string Describe(YamlNode node) => node switch
        {
            YamlScalarNode scalar => $"'{scalar.Value}'",
            YamlSequenceNode => "a list",
            YamlMappingNode => "a mapping",
            _ => node.NodeType.ToString(),
        };
    }
}
