// REINFORCE (Williams 1992) as the notes "Introduction to Reinforcement Learning and Policy-Gradients" derive it, with
// the baselines of the "Practical Deep Reinforcement Learning" notes:
//   1. sample whole episodes {tau_i} from pi_theta (run the policy),
//   2. weight every step by its reward-to-go Q_{i,t} = sum_{t' >= t} gamma^(t' - t) r_{i,t'} ("what you do now does not
//      affect the reward of the past") minus a baseline b (unbiased: E[grad log pi b] = 0),
//   3. take a gradient step on the weighted maximum-likelihood pseudo-loss
//      L(theta) = -(1/N) sum_i sum_t log pi_theta(a_{i,t} | s_{i,t}) (Q_{i,t} - b_{i,t}),
//      whose gradient is minus the policy-gradient estimate (1/N) sum_i sum_t grad log pi(a_{i,t} | s_{i,t}) (Q_{i,t} - b_{i,t}).
// A time limit is the horizon H of the notes' finite-horizon objective, so truncated episodes are not bootstrapped.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.OnPolicy;

/// <summary>REINFORCE with reward-to-go and a baseline, on batches of whole episodes.</summary>
public sealed class Reinforce : IAlgorithm
{
    private readonly IVectorEnv env;
    private readonly ReinforceConfig config;
    private readonly StochasticPolicy policy;
    private readonly ValueNetwork? value;
    private readonly Adam optimizer;
    private readonly Adam? valueOptimizer;
    private readonly ObservationFilter? filter;
    private Rng rng;

    /// <summary>REINFORCE on <paramref name="env"/> (with <see cref="ReinforceConfig.Envs"/> copies); every random choice follows <paramref name="seed"/>.</summary>
    public Reinforce(IVectorEnv env, ReinforceConfig config, long seed)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        this.config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate(env);
        var root = new Rng(seed);
        int o = env.ObservationSize;
        policy = StochasticPolicy.Create(o, env.SingleActionSpace, config.Policy, root.Fork(0), config.LogStd, config.InitialLogStd);
        optimizer = new Adam(policy.Parameters(), new AdamConfig { LearningRate = config.LearningRate });
        if (config.Baseline == ReinforceBaseline.StateValue)
        {
            value = new ValueNetwork(o, config.Value, root.Fork(1));
            valueOptimizer = new Adam(value.Parameters(), new AdamConfig { LearningRate = config.ValueLearningRate });
        }
        filter = config.NormalizeObservations ? new ObservationFilter(o) : null;
        rng = root.Fork(2);
        env.Reset(seed);
    }

    /// <inheritdoc />
    public string Name => "reinforce";

    /// <inheritdoc />
    public long EnvSteps { get; private set; }

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>The policy being trained.</summary>
    public StochasticPolicy Network => policy;

    /// <summary>The value network of the StateValue baseline, else null.</summary>
    public ValueNetwork? Value => value;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Iterate()
    {
        // 1. Sample whole episodes with the current policy.
        (List<SampledEpisode> episodes, long discarded) = CollectEpisodes();

        // 2. Reward-to-go and baseline: the weight of every step.
        int total = episodes.Sum(e => e.Length);
        var rewardToGo = episodes.Select(e =>
        {
            var q = new double[e.Length];
            Advantages.RewardToGo(e.Rewards, config.Gamma, q);
            return q;
        }).ToList();
        float[] observations = Concatenate(episodes, e => e.Observations);
        float[] actions = Concatenate(episodes, e => e.Actions);
        double[] baseline = Baseline(episodes, rewardToGo, observations);
        var weights = new float[total];
        var targets = new float[total];
        for (int i = 0, k = 0; i < episodes.Count; i++)
        {
            for (int t = 0; t < episodes[i].Length; t++, k++)
            {
                targets[k] = (float)rewardToGo[i][t];
                weights[k] = (float)(rewardToGo[i][t] - baseline[k]);
            }
        }
        if (config.NormalizeAdvantages) Advantages.Normalize(weights);

        // 3. One gradient step on the weighted max-likelihood pseudo-loss.
        double policyLoss, entropy, gradNorm;
        using (TensorScope.Begin())
        {
            Tensor x = Tensor.FromArray(observations, total, env.ObservationSize);
            Tensor a = Tensor.FromArray(actions, total, env.ActionSize);
            IActionDistribution pi = policy.Distribution(x);
            Tensor loss = PseudoLoss(pi.LogProb(a), Tensor.FromArray(weights, total), episodes.Count);
            // A NaN or infinite weight (a reward, an observation or a weight gone bad) stops training before the step.
            policyLoss = NonFiniteLossException.Check(Name, Iterations, "policy pseudo-loss", loss.Item());
            entropy = NonFiniteLossException.Check(Name, Iterations, "entropy", pi.Entropy().Mean().Item());
            optimizer.ZeroGrad();
            loss.Backward();
            gradNorm = Gradients.ClipByGlobalNorm(policy.Parameters(), config.MaxGradNorm ?? double.PositiveInfinity);
            optimizer.Step();
        }

        // The StateValue baseline: fit V to the reward-to-go, for the next batch.
        double valueLoss = value is null ? 0 : FitValue(observations, targets);

        Iterations++;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = episodes.Average(e => e.Return),
            ["rollout/episode_length"] = episodes.Average(e => e.Length),
            ["rollout/episodes"] = episodes.Count,
            ["rollout/discarded_steps"] = discarded,
            ["train/policy_loss"] = policyLoss,
            ["train/entropy"] = entropy,
            ["train/grad_norm"] = gradNorm,
            ["train/baseline_mean"] = baseline.Average(),
            ["train/value_loss"] = valueLoss,
        };
    }

    /// <summary>
    /// The pseudo-loss -(1/<paramref name="episodes"/>) sum_k logProbs[k] weights[k] (weights are constants): its
    /// gradient is minus the REINFORCE policy-gradient estimate.
    /// </summary>
    public static Tensor PseudoLoss(Tensor logProbs, Tensor weights, int episodes)
    {
        if (episodes <= 0) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "expected at least one episode");
        if (logProbs.Rank != 1 || weights.Rank != 1 || logProbs.Dim(0) != weights.Dim(0))
            throw new TensorException($"Reinforce.PseudoLoss: expected log-probabilities and weights of one equal length, got {Tensor.Format(logProbs.Shape)} and {Tensor.Format(weights.Shape)}.");
        return (logProbs * weights.Detach()).Sum() * (-1.0 / episodes);
    }

    /// <summary>|grad_theta sum_t log pi(a_t | s_t)|^2 over the policy's parameters for one episode (the optimal constant baseline's weight).</summary>
    public static double ScoreSquaredNorm(StochasticPolicy policy, SampledEpisode episode)
    {
        using var scope = TensorScope.Begin();
        IReadOnlyList<Tensor> parameters = policy.Parameters();
        Tensor logProb = policy.Distribution(Tensor.FromArray(episode.Observations, episode.Length, policy.ObservationSize))
            .LogProb(Tensor.FromArray(episode.Actions, episode.Length, policy.ActionSize)).Sum();
        Tensor[] grads = Autograd.Grad(logProb, parameters);
        double total = 0;
        foreach (Tensor g in grads) total += g.Square().Sum().Item();
        return total;
    }

    // The baseline of every step of the batch, in the batch's row order.
    private double[] Baseline(List<SampledEpisode> episodes, List<double[]> rewardToGo, float[] observations)
    {
        int total = observations.Length / env.ObservationSize;
        var baseline = new double[total];
        switch (config.Baseline)
        {
            case ReinforceBaseline.Constant:
                Array.Fill(baseline, ReinforceBaselines.Constant(rewardToGo));
                break;
            case ReinforceBaseline.OptimalConstant:
                double[] norms = episodes.Select(e => ScoreSquaredNorm(policy, e)).ToArray();
                Array.Fill(baseline, ReinforceBaselines.OptimalConstant(rewardToGo.Select(q => q[0]).ToArray(), norms));
                break;
            case ReinforceBaseline.TimeDependent:
                double[] byStep = ReinforceBaselines.TimeDependent(rewardToGo);
                for (int i = 0, k = 0; i < episodes.Count; i++)
                {
                    for (int t = 0; t < episodes[i].Length; t++, k++) baseline[k] = byStep[t];
                }
                break;
            case ReinforceBaseline.StateValue:
                using (Autograd.NoGrad())
                using (TensorScope.Begin())
                {
                    float[] v = value!.Values(Tensor.FromArray(observations, total, env.ObservationSize)).ToFloatArray();
                    for (int k = 0; k < total; k++) baseline[k] = v[k];
                }
                break;
        }
        return baseline;
    }

    // Regression of V(s) on the reward-to-go: ValueEpochs shuffled passes of minibatch MSE steps. Returns the last pass's mean loss.
    private double FitValue(float[] observations, float[] targets)
    {
        int total = targets.Length, o = env.ObservationSize, size = Math.Min(config.ValueMinibatchSize, total);
        int[] order = Enumerable.Range(0, total).ToArray();
        double lossSum = 0;
        int batches = 0;
        for (int epoch = 0; epoch < config.ValueEpochs; epoch++)
        {
            Shuffle(order);
            lossSum = 0;
            batches = 0;
            for (int start = 0; start < total; start += size)
            {
                ReadOnlySpan<int> rows = order.AsSpan(start, Math.Min(size, total - start));
                using var scope = TensorScope.Begin();
                Tensor prediction = value!.Values(RolloutBuffer.Gather(observations, o, rows));
                Tensor loss = Loss.Mse(prediction, RolloutBuffer.Gather(targets, 1, rows).Reshape(-1));
                valueOptimizer!.ZeroGrad();
                loss.Backward();
                valueOptimizer.Step();
                lossSum += loss.Item();
                batches++;
            }
        }
        return lossSum / batches;
    }

    // Runs every copy from a fresh episode; keeps finished episodes until BatchSteps steps are kept.
    private (List<SampledEpisode> Episodes, long Discarded) CollectEpisodes()
    {
        int n = env.Count, o = env.ObservationSize, a = env.ActionSize;
        var episodes = new List<SampledEpisode>();
        var running = Enumerable.Range(0, n).Select(_ => (Observations: new List<float>(), Actions: new List<float>(), Rewards: new List<double>())).ToArray();
        var input = new float[n * o];
        var sampled = new double[n * a];
        long kept = 0, taken = 0;
        env.Reset();
        using var noGrad = Autograd.NoGrad();
        while (kept < config.BatchSteps)
        {
            Observe(env.Observations, input);
            using (TensorScope.Begin()) policy.Distribution(Tensor.FromArray(input, n, o)).Sample(rng, sampled);
            env.Step(sampled);
            EnvSteps += n;
            taken += n;
            for (int i = 0; i < n; i++)
            {
                var episode = running[i];
                episode.Observations.AddRange(input.AsSpan(i * o, o));
                for (int j = 0; j < a; j++) episode.Actions.Add((float)sampled[i * a + j]);
                episode.Rewards.Add(env.Rewards[i]);
                if (!env.Terminated[i] && !env.Truncated[i]) continue;
                if (kept < config.BatchSteps)
                {
                    episodes.Add(new SampledEpisode([.. episode.Observations], [.. episode.Actions], [.. episode.Rewards], env.EpisodeReturns[i]));
                    kept += episode.Rewards.Count;
                }
                episode.Observations.Clear();
                episode.Actions.Clear();
                episode.Rewards.Clear();
            }
        }
        return (episodes, taken - kept);
    }

    private void Observe(ReadOnlySpan<double> raw, Span<float> destination)
    {
        if (filter is null)
        {
            for (int i = 0; i < raw.Length; i++) destination[i] = (float)raw[i];
        }
        else
        {
            filter.Apply(raw, destination);
        }
    }

    private static float[] Concatenate(List<SampledEpisode> episodes, Func<SampledEpisode, float[]> part)
    {
        var result = new float[episodes.Sum(e => part(e).Length)];
        int offset = 0;
        foreach (SampledEpisode e in episodes)
        {
            part(e).CopyTo(result, offset);
            offset += part(e).Length;
        }
        return result;
    }

    private void Shuffle(int[] order)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    /// <inheritdoc />
    /// <inheritdoc />
    public InferencePolicy InferencePolicy() => policy.ToInference(filter);

    /// <inheritdoc />
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(InferencePolicy(), deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        InferencePolicy().Save(checkpoint);
        checkpoint.PutOptimizer(CheckpointSections.Optimizer, optimizer);
        if (value is not null)
        {
            checkpoint.PutModule(CheckpointSections.Value, value);
            checkpoint.PutOptimizer(CheckpointSections.ValueOptimizer, valueOptimizer!);
        }
        checkpoint.PutFilter(CheckpointSections.ObservationFilter, filter);
        checkpoint.PutRng(CheckpointSections.Rng, rng);
        checkpoint.PutEnv(CheckpointSections.Env, env);
        checkpoint.Put(CheckpointSections.Counters, w =>
        {
            w.Write(EnvSteps);
            w.Write(Iterations);
        });
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        checkpoint.ReadPolicy(policy);
        checkpoint.ReadOptimizer(CheckpointSections.Optimizer, optimizer);
        if (value is not null)
        {
            checkpoint.ReadModule(CheckpointSections.Value, value);
            checkpoint.ReadOptimizer(CheckpointSections.ValueOptimizer, valueOptimizer!);
        }
        checkpoint.ReadFilter(CheckpointSections.ObservationFilter, filter);
        rng = checkpoint.GetRng(CheckpointSections.Rng);
        checkpoint.ReadEnv(CheckpointSections.Env, env);
        checkpoint.Read(CheckpointSections.Counters, r =>
        {
            EnvSteps = r.ReadInt64();
            Iterations = r.ReadInt32();
        });
    }
}
