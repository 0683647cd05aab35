// Numbers given to a command as one comma-separated list ("0.05,0.1"): `control rollout --state`, `--actions` and
// `control distill --feedback-noise`; whole numbers ("32,32"): `control distill --hidden`.
using System.Globalization;
using System.Numerics;

namespace Control.Experiments;

/// <summary>Parses comma-separated numbers of a command-line option.</summary>
public static class NumberList
{
    /// <summary>The numbers of <paramref name="text"/> (invariant culture, entries trimmed).</summary>
    /// <exception cref="FormatException">An entry is not a number; the message names <paramref name="option"/>, the entry and the text.</exception>
    public static double[] Parse(string text, string option) => Parse<double>(text, option, NumberStyles.Float, "numbers");

    /// <summary>The whole numbers of <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">An entry is not a whole number; the message names <paramref name="option"/>, the entry and the text.</exception>
    public static int[] ParseIntegers(string text, string option) => Parse<int>(text, option, NumberStyles.Integer, "whole numbers");

    private static T[] Parse<T>(string text, string option, NumberStyles style, string what) where T : INumber<T>
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new T[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!T.TryParse(parts[i], style, CultureInfo.InvariantCulture, out values[i]!))
                throw new FormatException($"{option}: expected comma-separated {what}, got \"{parts[i]}\" in \"{text}\"");
        }
        return values;
    }
}
