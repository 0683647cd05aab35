namespace Control.Core.Envs;

/// <summary>
/// An environment with Gymnasium's semantics. Observations and actions are flat spans of doubles laid out by
/// <see cref="ObservationSpace"/> and <see cref="ActionSpace"/>; a <see cref="Discrete"/> action is one element.
/// </summary>
public interface IEnv
{
    /// <summary>Registry name, used in every error message.</summary>
    string Name { get; }

    /// <summary>Space of observations.</summary>
    Space ObservationSpace { get; }

    /// <summary>Space of actions.</summary>
    Space ActionSpace { get; }

    /// <summary>
    /// Starts an episode and writes its first observation. With a seed, the env's generator is reseeded first
    /// (same seed, same episode); without one, it continues its stream (each reset differs).
    /// </summary>
    void Reset(Span<double> observation, long? seed = null);

    /// <summary>Applies <paramref name="action"/>, writes the next observation and returns reward and end flags.</summary>
    StepResult Step(ReadOnlySpan<double> action, Span<double> observation);
}
