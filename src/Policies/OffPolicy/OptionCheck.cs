namespace Control.Policies.OffPolicy;

/// <summary>The range check of the actor-critics' config records: the message names the record, the option, what was expected and what came.</summary>
internal static class OptionCheck
{
    public static void Require(string owner, bool ok, string option, object value, string expected)
    {
        if (!ok) throw new ArgumentException($"{owner}.{option}: expected {expected}, got {value}.");
    }
}
