using Control.Core.Envs;

namespace Control.Policies.Common;

/// <summary>
/// The section names every algorithm's checkpoint uses, and the sections of the pieces every algorithm has. The policy
/// is stored as an <see cref="InferencePolicy"/> (sections <see cref="InferencePolicy.NormalizerSection"/>,
/// <see cref="InferencePolicy.NetworkSection"/>, <see cref="InferencePolicy.HeadSection"/>) by every algorithm, so
/// that <see cref="InferencePolicy.Load(Checkpoint)"/> reads any of them; a DQN's policy network is its online Q network.
/// </summary>
public static class CheckpointSections
{
    /// <summary>A state-value network V(s) (the critic or baseline of the on-policy methods).</summary>
    public const string Value = "value";

    /// <summary>A target Q network (DQN's Q_target).</summary>
    public const string TargetQ = "q/target";

    /// <summary>The optimizer of the policy (and of every network trained with it in one step).</summary>
    public const string Optimizer = "optimizer";

    /// <summary>The optimizer of a separately fitted value network.</summary>
    public const string ValueOptimizer = "optimizer/value";

    /// <summary>The running observation statistics (with their count, to continue training).</summary>
    public const string ObservationFilter = "observation_filter";

    /// <summary>The generator, or the prefix of several ("rng/actions", "rng/shuffle", "rng/exploration", "rng/replay").</summary>
    public const string Rng = "rng";

    /// <summary>The vector env's snapshot.</summary>
    public const string Env = "env";

    /// <summary>Step, iteration and episode counters and the algorithm's scalars.</summary>
    public const string Counters = "counters";

    /// <summary>Stores the vector env's snapshot (every copy's state, generator and counters).</summary>
    public static void PutEnv(this Checkpoint checkpoint, string name, IVectorEnv env) => checkpoint.Put(name, env.WriteSnapshot);

    /// <summary>Restores a vector env saved by <see cref="PutEnv"/>.</summary>
    public static void ReadEnv(this Checkpoint checkpoint, string name, IVectorEnv env) => checkpoint.Read(name, env.ReadSnapshot);

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

    /// <summary>Copies the stored policy's network and head into <paramref name="policy"/> (to continue training).</summary>
    /// <exception cref="CheckpointException">No policy is stored, or it does not fit <paramref name="policy"/>.</exception>
    public static void ReadPolicy(this Checkpoint checkpoint, StochasticPolicy policy)
        => checkpoint.ReadPolicy(stored => policy.CopyFrom(stored.Network, stored.Head));

    /// <summary>Reads the stored <see cref="InferencePolicy"/> and hands it to <paramref name="restore"/>, which copies it into training modules.</summary>
    /// <exception cref="CheckpointException">No policy is stored, or <paramref name="restore"/> finds that it does not fit.</exception>
    public static void ReadPolicy(this Checkpoint checkpoint, Action<InferencePolicy> restore)
    {
        InferencePolicy stored = InferencePolicy.Load(checkpoint);
        try
        {
            restore(stored);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException($"{checkpoint.Source ?? "checkpoint"}: the stored policy does not fit this algorithm: {e.Message}", e);
        }
    }
}
