namespace Control.Experiments;

/// <summary>What `control collect` wrote.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Policy">The behaviour policy as given ("random" or "checkpoint:PATH").</param>
/// <param name="Epsilon">Probability of a random action.</param>
/// <param name="Seed">Seed of the collection.</param>
/// <param name="Rows">Transitions written.</param>
/// <param name="Episodes">Episodes that ended within the steps.</param>
/// <param name="EpisodeReturn">Mean return of those episodes (null when none ended).</param>
/// <param name="Terminations">Rows whose next observation is terminal.</param>
/// <param name="Out">Full path of the file written.</param>
public sealed record CollectReport(string Env, string Policy, double Epsilon, long Seed, int Rows, int Episodes, double? EpisodeReturn, int Terminations, string Out);
