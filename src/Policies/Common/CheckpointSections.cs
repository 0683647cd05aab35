using Control.Core.Envs;

namespace Control.Policies.Common;

/// <summary>Checkpoint sections for the pieces every algorithm has: vector envs, observation filters, counters.</summary>
public static class CheckpointSections
{
    /// <summary>Stores the vector env's snapshot (every copy's state, generator and counters).</summary>
    public static void PutEnv(this Checkpoint checkpoint, string name, VectorEnv env) => checkpoint.Put(name, env.WriteSnapshot);

    /// <summary>Restores a vector env saved by <see cref="PutEnv"/>.</summary>
    public static void ReadEnv(this Checkpoint checkpoint, string name, VectorEnv env) => checkpoint.Read(name, env.ReadSnapshot);

    /// <summary>Stores an observation filter's statistics (nothing when null; reading checks the same).</summary>
    public static void PutFilter(this Checkpoint checkpoint, string name, ObservationFilter? filter) => checkpoint.Put(name, w =>
    {
        w.Write(filter is not null);
        filter?.Statistics.Write(w);
    });

    /// <summary>Restores an observation filter saved by <see cref="PutFilter"/>.</summary>
    public static void ReadFilter(this Checkpoint checkpoint, string name, ObservationFilter? filter) => checkpoint.Read(name, r =>
    {
        bool stored = r.ReadBoolean();
        if (stored != filter is not null)
            throw new InvalidDataException($"expected {(filter is null ? "no observation filter" : "an observation filter")}, the checkpoint has {(stored ? "one" : "none")}");
        filter?.Statistics.Read(r);
    });
}
