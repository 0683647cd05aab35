namespace Control.Experiments;

/// <summary>
/// A replay of actions in an env from a seed. The state and the actions are text in the command line's format, parsed
/// and checked against the env before the first step, so that a bad sequence fails before it runs.
/// </summary>
/// <param name="Env">Registered env name.</param>
/// <param name="Seed">Seed of the reset (and of random actions).</param>
public sealed record RolloutRequest(string Env, long Seed)
{
    /// <summary>Initial state "x1,x2,..." set after the reset; null (the default) keeps the reset's state.</summary>
    public string? State { get; init; }

    /// <summary>
    /// Actions to replay: "a1,a2,..." for one-dimensional actions, "a1,a2;b1,b2;..." (steps separated by ';') otherwise.
    /// Exactly one of this and <see cref="Random"/>; default null.
    /// </summary>
    public string? Actions { get; init; }

    /// <summary>Uniformly random actions from the action space, seeded by <see cref="RolloutRequest.Seed"/>; default false.</summary>
    public bool Random { get; init; }

    /// <summary>Number of random steps; null (the default) runs the env's horizon.</summary>
    public int? Steps { get; init; }
}
