namespace Control.Experiments;

/// <summary>A logged dataset to write: a behaviour policy run on an env, its observations recorded as x.</summary>
/// <param name="Env">Registered env name.</param>
/// <param name="Policy">The behaviour policy: "random" (uniform actions) or "checkpoint:PATH" (the greedy policy of any trained checkpoint of this env).</param>
/// <param name="Steps">Transitions to record.</param>
/// <param name="Out">The file: .csv for CSV, any other name for the binary CTLTRANS format; written atomically.</param>
/// <param name="Seed">Episode k is reset with seed + k; the exploration draws follow from it too.</param>
public sealed record CollectRequest(string Env, string Policy, int Steps, string Out, long Seed)
{
    /// <summary>Probability of a uniformly random action instead of the policy's at each step (default 0).</summary>
    public double Epsilon { get; init; }
}
