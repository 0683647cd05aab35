namespace Control.Policies.Imitation;

/// <summary>
/// An expert that cannot label an env's states: it reads inputs of another length than the env gives it, writes actions
/// of another length than the env takes, or (a trained policy) acts in another action space than the env's.
/// </summary>
public sealed class ExpertMismatchException : ArgumentException
{
    /// <summary>What <paramref name="env"/> needs of its expert (<paramref name="expected"/>) and what the expert is (<paramref name="actual"/>).</summary>
    public ExpertMismatchException(string env, string expected, string actual)
        : base($"expert on {env}: expected {expected}, got {actual}.")
    {
        Env = env;
    }

    /// <summary>The env the expert was to label.</summary>
    public string Env { get; }
}
