namespace Control.Core.Envs;

/// <summary>
/// A batch of copies of one env stepped together, with automatic reset: what the learners collect from. After
/// <see cref="Step"/>, a copy whose episode ended holds the first observation of its next episode in
/// <see cref="Observations"/> and the last one of the ended episode in <see cref="FinalObservations"/> (for
/// bootstrapping a truncation). Buffers are laid out copy after copy and owned by the batch. <see cref="VectorEnv"/>
/// implements it over any <see cref="IEnv"/>; a simulator with its own batched stepping can implement it directly.
/// </summary>
public interface IVectorEnv : IDisposable
{
    /// <summary>Registry name of the env the copies are of, used in error messages.</summary>
    string Name { get; }

    /// <summary>Number of copies.</summary>
    int Count { get; }

    /// <summary>Observation space of one copy.</summary>
    Space SingleObservationSpace { get; }

    /// <summary>Action space of one copy.</summary>
    Space SingleActionSpace { get; }

    /// <summary>Length of one copy's observation.</summary>
    int ObservationSize { get; }

    /// <summary>Length of one copy's action.</summary>
    int ActionSize { get; }

    /// <summary>Current observations, [Count x ObservationSize].</summary>
    double[] Observations { get; }

    /// <summary>Last observation of each copy's ended episode (valid where the copy's episode just ended).</summary>
    double[] FinalObservations { get; }

    /// <summary>Rewards of the last step.</summary>
    double[] Rewards { get; }

    /// <summary>Which copies terminated at the last step.</summary>
    bool[] Terminated { get; }

    /// <summary>Which copies were truncated at the last step.</summary>
    bool[] Truncated { get; }

    /// <summary>Return of the episode that ended at the last step, where Terminated or Truncated is set.</summary>
    double[] EpisodeReturns { get; }

    /// <summary>Length of the episode that ended at the last step, where Terminated or Truncated is set.</summary>
    int[] EpisodeLengths { get; }

    /// <summary>Resets every copy; with a seed, copy i is reset with seed + i.</summary>
    void Reset(long? seed = null);

    /// <summary>Steps every copy with its action from <paramref name="actions"/> ([Count x ActionSize]).</summary>
    void Step(ReadOnlySpan<double> actions);

    /// <summary>Writes the run state of every copy (for exact resume).</summary>
    void WriteSnapshot(BinaryWriter writer);

    /// <summary>Restores a run state written by <see cref="WriteSnapshot"/>.</summary>
    void ReadSnapshot(BinaryReader reader);
}
