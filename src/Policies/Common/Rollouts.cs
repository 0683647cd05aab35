// On-policy experience: T steps of N envs collected with the current policy (the "sample {tau_i} from
// pi_theta" step of every policy-gradient method), stored flat as row t * N + i, with what the updates need:
// observations, actions, log pi_old(a|s), V_old(s), rewards (with truncated episodes bootstrapped), episode
// ends, and after FinishRollout the GAE advantages and returns.
using Control.Dynamics;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies;

/// <summary>Observation normalization by running statistics (SB3's VecNormalize for observations).</summary>
public sealed class ObservationFilter
{
    /// <summary>A filter over observations of <paramref name="size"/> values, clipped to +-<paramref name="clip"/> after normalizing.</summary>
    public ObservationFilter(int size, double clip = 10.0)
    {
        if (!(clip > 0)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "expected a positive clip bound");
        Statistics = new RunningMeanStd(size);
        Clip = clip;
    }

    /// <summary>The running mean and variance.</summary>
    public RunningMeanStd Statistics { get; }

    /// <summary>Bound on normalized values.</summary>
    public double Clip { get; }

    /// <summary>Whether <see cref="Apply"/> updates the statistics (on while training, off while evaluating).</summary>
    public bool Training { get; set; } = true;

    /// <summary>Updates the statistics with the batch (when training), then writes the normalized batch as floats.</summary>
    public void Apply(ReadOnlySpan<double> batch, Span<float> destination)
    {
        int size = Statistics.Size;
        if (batch.Length % size != 0 || destination.Length != batch.Length)
            throw new ArgumentException($"ObservationFilter: expected a batch of rows of {size} values and an equal destination, got {batch.Length} and {destination.Length}.");
        if (Training) Statistics.UpdateBatch(batch);
        ReadOnlySpan<double> mean = Statistics.Mean, variance = Statistics.Variance;
        for (int i = 0; i < batch.Length; i++)
        {
            int j = i % size;
            destination[i] = (float)Math.Clamp((batch[i] - mean[j]) / Math.Sqrt(variance[j] + 1e-8), -Clip, Clip);
        }
    }
}

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
        => Policies.Advantages.Gae(Rewards, Values, EpisodeEnds, LastValues, Envs, gamma, lambda, Advantages, Returns);

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

/// <summary>
/// Runs a stochastic policy (and a critic, if given) on a vector env for T steps per env and fills a
/// <see cref="RolloutBuffer"/>. Truncated episodes (time limits) are bootstrapped by adding gamma V(final
/// observation) to their last reward, so that GAE can treat every episode end alike.
/// </summary>
public sealed class RolloutCollector
{
    private readonly VectorEnv env;
    private readonly double[] actions;
    private readonly float[] taken;
    private readonly float[] observation;
    private readonly float[] finalObservation;
    private readonly Queue<double> recentReturns = new();

    /// <summary>A collector for <paramref name="env"/>; <paramref name="filter"/> normalizes observations when given.</summary>
    public RolloutCollector(VectorEnv env, ObservationFilter? filter = null)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        if (filter is not null && filter.Statistics.Size != env.ObservationSize)
            throw new ArgumentException($"RolloutCollector: expected an observation filter of size {env.ObservationSize}, got {filter.Statistics.Size}.");
        Filter = filter;
        actions = new double[env.Count * env.ActionSize];
        taken = new float[actions.Length];
        observation = new float[env.Count * env.ObservationSize];
        finalObservation = new float[env.ObservationSize];
    }

    /// <summary>The observation filter, if any.</summary>
    public ObservationFilter? Filter { get; }

    /// <summary>The env.</summary>
    public VectorEnv Env => env;

    /// <summary>Env steps taken (all copies).</summary>
    public long EnvSteps { get; set; }

    /// <summary>Episodes finished.</summary>
    public long Episodes { get; private set; }

    /// <summary>Undiscounted returns of the last 100 finished episodes (before reward scaling).</summary>
    public IReadOnlyCollection<double> RecentReturns => recentReturns;

    /// <summary>
    /// Collects <see cref="RolloutBuffer.Steps"/> steps of every env into <paramref name="buffer"/> with actions from
    /// <paramref name="policy"/> sampled with <paramref name="rng"/>; values from <paramref name="critic"/> (zeros without one).
    /// Rewards are multiplied by <paramref name="rewardScale"/>.
    /// </summary>
    public void Collect(RolloutBuffer buffer, StochasticPolicy policy, ValueNetwork? critic, Rng rng, double gamma, double rewardScale = 1.0)
    {
        int n = env.Count, o = env.ObservationSize, a = env.ActionSize;
        if (buffer.Envs != n || buffer.ObservationSize != o || buffer.ActionSize != a || policy.ObservationSize != o || policy.ActionSize != a)
        {
            throw new ArgumentException(
                $"RolloutCollector: expected a buffer and a policy for {n} envs with observations of {o} and actions of {a}, got a buffer for {buffer.Envs} envs ({buffer.ObservationSize}, {buffer.ActionSize}) and a policy ({policy.ObservationSize}, {policy.ActionSize}).");
        }
        using var noGrad = Autograd.NoGrad();
        for (int t = 0; t < buffer.Steps; t++)
        {
            int row = t * n;
            Observe(env.Observations, observation);
            observation.CopyTo(buffer.Observations.AsSpan(row * o, n * o));
            using (TensorScope.Begin())
            {
                Tensor x = Tensor.FromArray(observation, n, o);
                IActionDistribution pi = policy.Distribution(x);
                pi.Sample(rng, actions);
                for (int k = 0; k < taken.Length; k++) taken[k] = (float)actions[k];
                taken.CopyTo(buffer.Actions.AsSpan(row * a, n * a));
                pi.LogProb(Tensor.FromArray(taken, n, a)).Span<float>().CopyTo(buffer.LogProbs.AsSpan(row, n));
            }
            env.Step(actions);
            EnvSteps += n;
            for (int i = 0; i < n; i++)
            {
                double reward = env.Rewards[i] * rewardScale;
                bool end = env.Terminated[i] || env.Truncated[i];
                if (env.Truncated[i] && !env.Terminated[i] && critic is not null) reward += gamma * FinalValue(critic, i);
                buffer.Rewards[row + i] = (float)reward;
                buffer.EpisodeEnds[row + i] = end;
                if (end) RecordEpisode(env.EpisodeReturns[i]);
            }
        }
        // V_old of every stored observation in one batched pass (the critic does not change during collection),
        // and V of the observations after the last step.
        if (critic is not null)
        {
            Observe(env.Observations, observation, update: false);
            using var scope = TensorScope.Begin();
            critic.Values(buffer.All(buffer.Observations, o)).Span<float>().CopyTo(buffer.Values);
            critic.Values(Tensor.FromArray(observation, n, o)).Span<float>().CopyTo(buffer.LastValues);
        }
        else
        {
            Array.Clear(buffer.Values);
            Array.Clear(buffer.LastValues);
        }
    }

    /// <summary>The policy input for raw observations: filtered when there is a filter, else converted to floats.</summary>
    public void Observe(ReadOnlySpan<double> raw, Span<float> destination, bool update = true)
    {
        if (Filter is null)
        {
            for (int i = 0; i < raw.Length; i++) destination[i] = (float)raw[i];
            return;
        }
        bool training = Filter.Training;
        Filter.Training = training && update;
        Filter.Apply(raw, destination);
        Filter.Training = training;
    }

    /// <summary>Writes the counters and recent returns (for checkpoints; the env and filter are saved on their own).</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(EnvSteps);
        writer.Write(Episodes);
        writer.Write(recentReturns.Count);
        foreach (double r in recentReturns) writer.Write(r);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The stored count of recent returns is out of range.</exception>
    public void ReadState(BinaryReader reader)
    {
        long steps = reader.ReadInt64(), episodes = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count < 0 || count > 100) throw new InvalidDataException($"RolloutCollector: expected 0 to 100 recent returns, got {count}.");
        var returns = new double[count];
        for (int i = 0; i < count; i++) returns[i] = reader.ReadDouble();
        EnvSteps = steps;
        Episodes = episodes;
        recentReturns.Clear();
        foreach (double r in returns) recentReturns.Enqueue(r);
    }

    private double FinalValue(ValueNetwork critic, int copy)
    {
        int o = env.ObservationSize;
        Observe(env.FinalObservations.AsSpan(copy * o, o), finalObservation, update: false);
        using (TensorScope.Begin()) return critic.Values(Tensor.FromArray(finalObservation, 1, o)).Item();
    }

    private void RecordEpisode(double episodeReturn)
    {
        Episodes++;
        recentReturns.Enqueue(episodeReturn);
        if (recentReturns.Count > 100) recentReturns.Dequeue();
    }
}
