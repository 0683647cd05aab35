namespace Control.Policies.OffPolicy;

/// <summary>A batch drawn from a replay buffer, in preallocated arrays that every draw overwrites.</summary>
public sealed class ReplayBatch
{
    /// <summary>
    /// Room for <paramref name="size"/> transitions with observations of <paramref name="observationSize"/> values and
    /// actions of <paramref name="actionSize"/> values (1 for a Discrete action).
    /// </summary>
    public ReplayBatch(int size, int observationSize, int actionSize)
    {
        if (size <= 0 || observationSize <= 0 || actionSize <= 0)
            throw new ArgumentException($"ReplayBatch: expected a positive size, observation size and action size, got {size}, {observationSize} and {actionSize}.");
        Size = size;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        Indices = new int[size];
        Observations = new float[size * observationSize];
        NextObservations = new float[size * observationSize];
        Actions = new float[size * actionSize];
        Rewards = new float[size];
        Discounts = new float[size];
        Terminated = new float[size];
        Weights = new float[size];
    }

    /// <summary>Transitions in the batch.</summary>
    public int Size { get; }

    /// <summary>Values per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Values per action (1 for a Discrete action).</summary>
    public int ActionSize { get; }

    /// <summary>Slot of each transition in the buffer (for priority updates).</summary>
    public int[] Indices { get; }

    /// <summary>s, Size x ObservationSize.</summary>
    public float[] Observations { get; }

    /// <summary>s' (the observation k steps later, or the last one of the episode), Size x ObservationSize.</summary>
    public float[] NextObservations { get; }

    /// <summary>
    /// Actions a, Size x ActionSize; a Discrete action is its index as a float (exact for indices below 2^24).
    /// </summary>
    public float[] Actions { get; }

    /// <summary>Discounted reward sums R.</summary>
    public float[] Rewards { get; }

    /// <summary>gamma^k, the factor of the bootstrapped value of s'.</summary>
    public float[] Discounts { get; }

    /// <summary>1 where the episode terminated within the k steps (no bootstrap), else 0.</summary>
    public float[] Terminated { get; }

    /// <summary>Importance weights of the draw (all 1 for uniform replay).</summary>
    public float[] Weights { get; }
}
