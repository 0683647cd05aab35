namespace Control.Policies.Registry;

/// <summary>What a checkpoint records about its run, to rebuild the algorithm.</summary>
/// <param name="Algorithm">Algorithm name.</param>
/// <param name="Env">Env name.</param>
/// <param name="Seed">Run seed.</param>
/// <param name="Config">The config as JSON.</param>
public sealed record RunDescription(string Algorithm, string Env, long Seed, string Config)
{
    /// <summary>Checkpoint section holding the description.</summary>
    public const string Section = "run";
}
