// On-policy experience: T steps of N envs collected with the current policy (the "sample {tau_i} from
// pi_theta" step of every policy-gradient method), stored flat as row t * N + i, with what the updates need:
// observations, actions, log pi_old(a|s), V_old(s), rewards (with truncated episodes bootstrapped), episode
// ends, and after FinishRollout the GAE advantages and returns.
using Control.Tensors;

namespace Control.Policies.Common;

/// <summary>Fixed-size storage of one rollout of T steps x N envs.</summary>
public sealed class RolloutBuffer
{
    /// <summary>Storage for <paramref name="steps"/> steps of <paramref name="envs"/> envs.</summary>
    public RolloutBuffer(int steps, int envs, int observationSize, int actionSize)
    {
        if (steps <= 0 || envs <= 0 || observationSize <= 0 || actionSize <= 0)
            throw new ArgumentException($"RolloutBuffer: expected positive sizes, got {steps} steps, {envs} envs, observations {observationSize}, actions {actionSize}.");
        Steps = steps;
        Envs = envs;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        int n = steps * envs;
        Observations = new float[n * observationSize];
        Actions = new float[n * actionSize];
        LogProbs = new float[n];
        Values = new float[n];
        Rewards = new float[n];
        EpisodeEnds = new bool[n];
        Advantages = new float[n];
        Returns = new float[n];
        LastValues = new float[envs];
    }

    /// <summary>Steps per env T.</summary>
    public int Steps { get; }

    /// <summary>Envs N.</summary>
    public int Envs { get; }

    /// <summary>Transitions held, T x N.</summary>
    public int Count => Steps * Envs;

    /// <summary>Values per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Values per action row.</summary>
    public int ActionSize { get; }

    /// <summary>Observations the policy saw (after any filter), (T N) x ObservationSize.</summary>
    public float[] Observations { get; }

    /// <summary>Actions taken (unclipped samples; an index for Discrete), (T N) x ActionSize.</summary>
    public float[] Actions { get; }

    /// <summary>log pi_old(a | s) of the actions taken.</summary>
    public float[] LogProbs { get; }

    /// <summary>V_old(s), or zeros when the method has no critic.</summary>
    public float[] Values { get; }

    /// <summary>Rewards (after any scaling), with gamma V(final observation) added at truncated episode ends.</summary>
    public float[] Rewards { get; }

    /// <summary>Whether the episode ended (terminated or truncated) at this step.</summary>
    public bool[] EpisodeEnds { get; }

    /// <summary>GAE advantages, after <see cref="ComputeAdvantages"/>.</summary>
    public float[] Advantages { get; }

    /// <summary>Value targets (advantages + values), after <see cref="ComputeAdvantages"/>.</summary>
    public float[] Returns { get; }

    /// <summary>V of the observations after the last step.</summary>
    public float[] LastValues { get; }

    /// <summary>Fills <see cref="Advantages"/> and <see cref="Returns"/> by GAE(lambda).</summary>
    public void ComputeAdvantages(double gamma, double lambda)
        => Common.Advantages.Gae(Rewards, Values, EpisodeEnds, LastValues, Envs, gamma, lambda, Advantages, Returns);

    /// <summary>Rows <paramref name="indices"/> of a per-transition array with <paramref name="width"/> values per row, as a (B, width) tensor.</summary>
    public static Tensor Gather(float[] source, int width, ReadOnlySpan<int> indices)
    {
        Tensor rows = Tensor.Zeros(DType.Float32, indices.Length, width);
        Span<float> data = rows.Span<float>();
        for (int r = 0; r < indices.Length; r++) source.AsSpan(indices[r] * width, width).CopyTo(data.Slice(r * width, width));
        return rows;
    }

    /// <summary>A whole per-transition array with <paramref name="width"/> values per row as a (T N, width) tensor.</summary>
    public Tensor All(float[] source, int width) => Tensor.FromArray(source, Count, width);
}
