// Observation and action spaces as the JSON strings of an exported policy's metadata_props, readable by any
// runtime without Control: {"type":"discrete","n":2} or {"type":"box","shape":[3],"low":[...],"high":[...]}.
// JSON has no infinity, so unbounded limits are the strings "inf" and "-inf"; finite limits are written in the
// shortest form that reads back to the same double.
using System.Text;
using System.Text.Json;
using Control.Core.Envs;

namespace Control.Deploy.Onnx;

/// <summary>Writes and reads <see cref="Space"/>s (Box, Discrete) as JSON.</summary>
public static class SpaceJson
{
    /// <summary>The JSON of <paramref name="space"/>.</summary>
    /// <exception cref="ArgumentException">A space other than Box or Discrete.</exception>
    public static string Write(Space space)
    {
        ArgumentNullException.ThrowIfNull(space);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            switch (space)
            {
                case Discrete d:
                    json.WriteString("type", "discrete");
                    json.WriteNumber("n", d.N);
                    break;
                case Box b:
                    json.WriteString("type", "box");
                    json.WriteStartArray("shape");
                    foreach (int s in b.Shape) json.WriteNumberValue(s);
                    json.WriteEndArray();
                    WriteLimits(json, "low", b.Low);
                    WriteLimits(json, "high", b.High);
                    break;
                default:
                    throw new ArgumentException($"SpaceJson: expected a Box or Discrete space, got {space.Describe()}.");
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The space <paramref name="text"/> describes.</summary>
    /// <exception cref="FormatException">Not a space written by <see cref="Write"/> (the message says what is wrong).</exception>
    public static Space Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            JsonElement root = document.RootElement;
            string? type = Property(root, "type").GetString();
            if (type == "discrete") return new Discrete(Integer(Property(root, "n")));
            if (type != "box") throw new FormatException($"expected a space of type \"box\" or \"discrete\", got \"{type}\"");
            int[] shape = [.. Property(root, "shape").EnumerateArray().Select(Integer)];
            double[] low = ReadLimits(Property(root, "low")), high = ReadLimits(Property(root, "high"));
            return new Box(low, high, shape);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"SpaceJson: expected a space as {{\"type\": \"box\"|\"discrete\", ...}}, got {Abbreviate(text)}: {e.Message}", e);
        }
    }

    private static void WriteLimits(Utf8JsonWriter json, string name, ReadOnlySpan<double> limits)
    {
        json.WriteStartArray(name);
        foreach (double v in limits)
        {
            if (double.IsPositiveInfinity(v)) json.WriteStringValue("inf");
            else if (double.IsNegativeInfinity(v)) json.WriteStringValue("-inf");
            else if (double.IsNaN(v)) throw new ArgumentException($"SpaceJson: expected space limits that are numbers or infinite, got NaN in {name}.");
            else json.WriteNumberValue(v);
        }
        json.WriteEndArray();
    }

    private static JsonElement Property(JsonElement root, string name) => root.TryGetProperty(name, out JsonElement value)
        ? value : throw new FormatException($"expected a property \"{name}\", found none");

    private static int Integer(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int value)
        ? value : throw new FormatException($"expected an integer, got {e.GetRawText()}");

    private static double[] ReadLimits(JsonElement array) => [.. array.EnumerateArray().Select(e => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when e.GetString() == "inf" => double.PositiveInfinity,
        JsonValueKind.String when e.GetString() == "-inf" => double.NegativeInfinity,
        _ => throw new FormatException($"expected a number, \"inf\" or \"-inf\", got {e.GetRawText()}"),
    })];

    private static string Abbreviate(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
