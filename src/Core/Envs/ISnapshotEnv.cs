namespace Control.Core.Envs;

/// <summary>
/// An env whose whole run state (physical state, generator, episode bookkeeping, wrapper counters) can be written
/// and read back, so that training resumed from a checkpoint continues exactly as if it had not stopped.
/// </summary>
public interface ISnapshotEnv : IEnv
{
    /// <summary>Writes the run state.</summary>
    void WriteSnapshot(BinaryWriter writer);

    /// <summary>Restores a run state written by <see cref="WriteSnapshot"/> of an env made the same way.</summary>
    /// <exception cref="InvalidDataException">The snapshot was not written by this kind of env.</exception>
    void ReadSnapshot(BinaryReader reader);
}
