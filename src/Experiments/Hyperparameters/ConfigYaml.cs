// The YAML form of a config record: every public settable property under its snake_case name (LearningRate ->
// learning_rate), nested records as nested mappings, lists in flow style, enums by their snake_case names. Reading is
// strict and typed, node by node, so that an unknown key or a value of the wrong type is refused with the key, what the
// key takes and what came; a key left out keeps its value in the config the YAML is read onto.
using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Control.Experiments.Hyperparameters;

/// <summary>Writes config records as YAML and reads YAML onto them.</summary>
public static class ConfigYaml
{
    /// <summary>The YAML key of a property: its name in snake_case.</summary>
    public static string KeyOf(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
    }

    /// <summary>The properties a config of type <paramref name="type"/> is written and read by: public, readable and settable (init included).</summary>
    public static IReadOnlyList<PropertyInfo> Properties(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)];
    }

    /// <summary>Appends the properties of <paramref name="config"/> as a block mapping indented by <paramref name="indent"/> spaces.</summary>
    public static void Write(StringBuilder text, object config, int indent)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(config);
        string pad = new(' ', indent);
        foreach (PropertyInfo property in Properties(config.GetType()))
        {
            object? value = property.GetValue(config);
            if (value is not null && IsRecord(property.PropertyType))
            {
                text.Append(pad).Append(KeyOf(property)).Append(":\n");
                Write(text, value, indent + 2);
                continue;
            }
            text.Append(pad).Append(KeyOf(property)).Append(": ").Append(Format(value)).Append('\n');
        }
    }

    /// <summary>
    /// A copy of <paramref name="config"/> with the keys of <paramref name="mapping"/> set on it (nested mappings on the nested
    /// records; keys left out keep their values). <paramref name="source"/> names the file in errors, <paramref name="prefix"/> the
    /// path of the mapping in the file (dotted, empty at the config's root).
    /// </summary>
    /// <exception cref="HyperparameterException">An unknown key or a value of the wrong type.</exception>
    public static object Read(object config, YamlMappingNode mapping, string source, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(mapping);
        object copy = Clone(config);
        Bind(copy, mapping, source, prefix);
        return copy;
    }

    /// <summary>
    /// A copy of <paramref name="config"/> with one override applied: <paramref name="assignment"/> is key=value, the key dotted
    /// into nested records (network.hidden), the value YAML (0.001, true, relu, [64, 64]).
    /// </summary>
    /// <exception cref="HyperparameterException">Not key=value, an unknown key, or a value of the wrong type.</exception>
    public static object Set(object config, string assignment)
    {
        ArgumentNullException.ThrowIfNull(config);
        const string Source = "--set";
        int equals = assignment?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        string key = equals > 0 ? assignment![..equals].Trim() : "";
        if (equals <= 0 || key.Length == 0 || key.Split('.').Any(part => part.Length == 0))
            throw new HyperparameterException(Source, assignment ?? "", "key=value with a dotted key (learning_rate=3e-4, network.hidden=[64,64])", $"'{assignment}'");
        YamlNode value = ParseValue(assignment![(equals + 1)..], Source, key);
        // key=value becomes the mapping {a: {b: value}} for key a.b, read like a file's.
        string[] parts = key.Split('.');
        var mapping = new YamlMappingNode { { parts[^1], value } };
        for (int i = parts.Length - 2; i >= 0; i--) mapping = new YamlMappingNode { { parts[i], mapping } };
        return Read(config, mapping, Source);
    }

    private static YamlNode ParseValue(string text, string source, string key)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            throw new HyperparameterException(source, key, "a YAML value (0.001, true, relu, [64, 64])", $"'{text}' ({e.Message})");
        }
        return stream.Documents.Count == 0 ? new YamlScalarNode("") : stream.Documents[0].RootNode;
    }

    // A deep copy through the JSON form that checkpoints store, so that nested records and lists are never shared.
    private static object Clone(object config)
        => JsonSerializer.Deserialize(JsonSerializer.Serialize(config, config.GetType()), config.GetType())
            ?? throw new InvalidOperationException($"{config.GetType().Name} does not copy through JSON");

    private static void Bind(object target, YamlMappingNode mapping, string source, string prefix)
    {
        IReadOnlyList<PropertyInfo> properties = Properties(target.GetType());
        foreach ((YamlNode keyNode, YamlNode valueNode) in mapping.Children)
        {
            string name = keyNode is YamlScalarNode { Value: { } k } ? k : keyNode.ToString();
            string key = prefix.Length == 0 ? name : $"{prefix}.{name}";
            PropertyInfo property = properties.FirstOrDefault(p => KeyOf(p) == name)
                ?? throw new HyperparameterException(At(source, keyNode), key, $"one of the keys of {target.GetType().Name} ({string.Join(", ", properties.Select(KeyOf))})",
                    "an unknown key");
            if (IsRecord(property.PropertyType) && valueNode is YamlMappingNode nested)
            {
                object inner = property.GetValue(target) ?? Activator.CreateInstance(property.PropertyType)!;
                Bind(inner, nested, source, key);
                property.SetValue(target, inner);
                continue;
            }
            property.SetValue(target, Convert(valueNode, property.PropertyType, source, key));
        }
    }

    private static object? Convert(YamlNode node, Type type, string source, string key)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        bool nullable = underlying is not null || (!type.IsValueType && type != typeof(string));
        Type target = underlying ?? type;
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" } && nullable && !IsRecord(target)) return null;
        if (Element(target) is { } element)
        {
            if (node is not YamlSequenceNode sequence) throw Wrong(node, source, key, $"a list of {Describe(element)} ([a, b, ...])");
            Array items = Array.CreateInstance(element, sequence.Children.Count);
            for (int i = 0; i < items.Length; i++) items.SetValue(Convert(sequence.Children[i], element, source, $"{key}[{i}]"), i);
            return items;
        }
        if (IsRecord(target)) throw Wrong(node, source, key, $"a mapping of the keys of {target.Name}");
        if (node is not YamlScalarNode scalar) throw Wrong(node, source, key, Describe(target));
        string text = scalar.Value ?? "";
        if (target == typeof(string)) return text;
        // A quoted scalar is a string in YAML: "0.1" where a number goes is refused rather than guessed.
        if (scalar.Style != ScalarStyle.Plain) throw Wrong(node, source, key, Describe(target));
        object? value = target switch
        {
            _ when target == typeof(double) => ParseDouble(text),
            _ when target == typeof(int) => ParseInteger(text, int.MinValue, int.MaxValue) is { } i ? (int)i : null,
            _ when target == typeof(long) => ParseInteger(text, long.MinValue, long.MaxValue),
            _ when target == typeof(bool) => text switch { "true" or "True" or "TRUE" => true, "false" or "False" or "FALSE" => false, _ => null },
            _ when target.IsEnum => Enum.GetNames(target).FirstOrDefault(name => name.Equals(text, StringComparison.OrdinalIgnoreCase) || Snake(name) == text) is { } n
                ? Enum.Parse(target, n) : null,
            _ => throw new NotSupportedException($"{key}: a config property of type {target.Name} has no YAML form"),
        };
        return value ?? throw Wrong(node, source, key, Describe(target));
    }

    private static double? ParseDouble(string text)
    {
        switch (text.ToLowerInvariant())
        {
            case ".inf" or "+.inf": return double.PositiveInfinity;
            case "-.inf": return double.NegativeInfinity;
        }
        // NaN is no setting: it is refused like any other non-number.
        return double.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null;
    }

    // Integers as written (1_000_000 too), or a number in exponent form that is a whole number in range (1e6, as the RL Zoo writes budgets).
    private static long? ParseInteger(string text, long min, long max)
    {
        string digits = text.Replace("_", "", StringComparison.Ordinal);
        if (long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)) return v >= min && v <= max ? v : null;
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Floor(d) && d >= min && d <= max ? (long)d : null;
    }

    private static HyperparameterException Wrong(YamlNode node, string source, string key, string expected)
    {
        string given = node switch
        {
            YamlScalarNode { Style: ScalarStyle.Plain } s => $"'{s.Value}'",
            YamlScalarNode s => $"the string \"{s.Value}\"",
            YamlSequenceNode => "a list",
            _ => "a mapping",
        };
        return new HyperparameterException(At(source, node), key, expected, given);
    }

    private static string At(string source, YamlNode node) => source == "--set" || node.Start.Line <= 0 ? source : $"{source}:{node.Start.Line}";

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(double) => "a number (double)",
        _ when type == typeof(int) => "an integer (int)",
        _ when type == typeof(long) => "an integer (long)",
        _ when type == typeof(bool) => "true or false",
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type).Select(Snake))}",
        _ => type.Name,
    };

    private static string Format(object? value) => value switch
    {
        null => "null",
        double d when double.IsPositiveInfinity(d) => ".inf",
        double d when double.IsNegativeInfinity(d) => "-.inf",
        double d => FormatDouble(d),
        bool b => b ? "true" : "false",
        Enum e => Snake(e.ToString()),
        string s => JsonSerializer.Serialize(s),
        IEnumerable list => $"[{string.Join(", ", list.Cast<object?>().Select(Format))}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"a config value of type {value.GetType().Name} has no YAML form"),
    };

    // The shortest text that reads back to the same double, with a point in the mantissa and a lower-case exponent
    // (1.0e-05, not 1E-05) so that YAML 1.1 readers such as PyYAML take it as a float too.
    private static string FormatDouble(double d)
    {
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E', StringComparison.Ordinal);
        string mantissa = e < 0 ? r : r[..e], exponent = e < 0 ? "" : "e" + r[(e + 1)..];
        return (mantissa.Contains('.', StringComparison.Ordinal) ? mantissa : mantissa + ".0") + exponent;
    }

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    private static bool IsRecord(Type type) => type.IsClass && type != typeof(string) && !type.IsArray && Element(type) is null;

    private static Type? Element(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        Type definition = type.GetGenericTypeDefinition();
        // The list interfaces an array implements: the array read from YAML is what the property is set to.
        return definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0] : null;
    }
}
