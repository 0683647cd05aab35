// Checks of config values shared by the algorithms' Validate methods: each message names the config record and the
// option, what was expected and what came.
namespace Control.Policies.Common;

/// <summary>Checks of config values, with messages that name the option.</summary>
internal static class ConfigChecks
{
    public static void Positive(string owner, string option, double value)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentException($"{owner}.{option}: expected a positive value, got {value}.");
    }

    public static void Positive(string owner, string option, int value)
    {
        if (value <= 0) throw new ArgumentException($"{owner}.{option}: expected a positive value, got {value}.");
    }

    public static void UnitInterval(string owner, string option, double value, bool openBelow = false)
    {
        bool inside = openBelow ? value > 0 && value <= 1 : value >= 0 && value <= 1;
        if (!inside) throw new ArgumentException($"{owner}.{option}: expected a value in {(openBelow ? "(0, 1]" : "[0, 1]")}, got {value}.");
    }

    public static void NonNegative(string owner, string option, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentException($"{owner}.{option}: expected a non-negative value, got {value}.");
    }
}
