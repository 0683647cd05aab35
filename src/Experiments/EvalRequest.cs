namespace Control.Experiments;

/// <summary>An evaluation of a trained policy from its checkpoint.</summary>
/// <param name="Checkpoint">A checkpoint written by a training run.</param>
public sealed record EvalRequest(string Checkpoint)
{
    /// <summary>Evaluation episodes; default <see cref="TrainRun.EvaluationEpisodes"/>.</summary>
    public int Episodes { get; init; } = TrainRun.EvaluationEpisodes;

    /// <summary>Seed of the first evaluation episode (episode k has seed + k); default 1,000,000.</summary>
    public long Seed { get; init; } = 1_000_000;

    /// <summary>Sample actions instead of taking the most likely one; default false.</summary>
    public bool Stochastic { get; init; }
}
