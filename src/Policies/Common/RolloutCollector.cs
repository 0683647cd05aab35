using Control.Core;
using Control.Core.Envs;
using Control.Tensors;

namespace Control.Policies.Common;

/// <summary>
/// Runs a stochastic policy (and a critic, if given) on a vector env for T steps per env and fills a
/// <see cref="RolloutBuffer"/>. Truncated episodes (time limits) are bootstrapped by adding gamma V(final
/// observation) to their last reward, so that GAE can treat every episode end alike.
/// </summary>
public sealed class RolloutCollector
{
    private readonly IVectorEnv env;
    private readonly double[] actions;
    private readonly float[] taken;
    private readonly float[] observation;
    private readonly float[] finalObservation;
    private readonly Queue<double> recentReturns = new();

    /// <summary>A collector for <paramref name="env"/>; <paramref name="filter"/> normalizes observations when given.</summary>
    public RolloutCollector(IVectorEnv env, ObservationFilter? filter = null)
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
    public IVectorEnv Env => env;

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
