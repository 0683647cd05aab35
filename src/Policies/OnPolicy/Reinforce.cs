// REINFORCE (Williams 1992) as seed 000 derives it, with the baselines of seed 004:
//   1. sample whole episodes {tau_i} from pi_theta (run the policy),
//   2. weight every step by its reward-to-go Q_{i,t} = sum_{t' >= t} gamma^(t' - t) r_{i,t'} ("what you do now does not
//      affect the reward of the past") minus a baseline b (unbiased: E[grad log pi b] = 0),
//   3. take a gradient step on the weighted maximum-likelihood pseudo-loss
//      L(theta) = -(1/N) sum_i sum_t log pi_theta(a_{i,t} | s_{i,t}) (Q_{i,t} - b_{i,t}),
//      whose gradient is minus the policy-gradient estimate (1/N) sum_i sum_t grad log pi(a_{i,t} | s_{i,t}) (Q_{i,t} - b_{i,t}).
// A time limit is the horizon H of the seed's finite-horizon objective, so truncated episodes are not bootstrapped.
using Control.Dynamics;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies;

/// <summary>The baseline b subtracted from the reward-to-go (seed 004's list).</summary>
public enum ReinforceBaseline
{
    /// <summary>No baseline: the weight is the reward-to-go itself.</summary>
    None,

    /// <summary>b = (1/N) sum_i R(tau_i), the batch's average (discounted) episode return.</summary>
    Constant,

    /// <summary>
    /// The seed's optimal constant in its scalar form: b = sum_i |g_i|^2 R(tau_i) / sum_i |g_i|^2 with
    /// g_i = grad log P(tau_i; theta) = sum_t grad log pi(a_{i,t} | s_{i,t}) over all policy parameters (one number
    /// for the whole batch, so the update stays a weighted max-likelihood; the per-parameter form would weight
    /// every parameter differently). It minimizes the variance of the whole-trajectory estimator, and is used here
    /// with reward-to-go weights.
    /// </summary>
    OptimalConstant,

    /// <summary>b_t = the average reward-to-go at step t over the batch's episodes that reached step t.</summary>
    TimeDependent,

    /// <summary>b(s_t) = V(s_t), a learned value network fitted after each batch by regression to the reward-to-go.</summary>
    StateValue,
}

/// <summary>Settings of <see cref="Reinforce"/>.</summary>
public sealed record ReinforceConfig
{
    /// <summary>Parallel envs that sample episodes (default 1: no partial episode is ever thrown away).</summary>
    public int Envs { get; init; } = 1;

    /// <summary>
    /// Steps per batch: episodes are collected whole until their steps reach this many (default 5000). With several
    /// envs, the episodes still running when the batch is full are dropped (their steps still count as env steps).
    /// </summary>
    public int BatchSteps { get; init; } = 5000;

    /// <summary>Discount of the reward-to-go (default 0.99; 1 is the seed's undiscounted sum).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>The baseline (default the learned state value).</summary>
    public ReinforceBaseline Baseline { get; init; } = ReinforceBaseline.StateValue;

    /// <summary>
    /// Shift and scale the weights Q - b of the batch to mean 0 and standard deviation 1 (default true). Shifting is
    /// itself a constant baseline, so with this on None, Constant and OptimalConstant give the same update.
    /// </summary>
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>Adam step size of the policy (default 5e-3).</summary>
    public double LearningRate { get; init; } = 5e-3;

    /// <summary>Clip the policy gradient's global L2 norm to this (default null: no clipping).</summary>
    public double? MaxGradNorm { get; init; }

    /// <summary>The policy network (default 64-64 tanh, orthogonal initialization).</summary>
    public NetworkConfig Policy { get; init; } = new();

    /// <summary>How a Gaussian policy holds its log-std (Box action spaces only).</summary>
    public LogStdMode LogStd { get; init; } = LogStdMode.StateIndependent;

    /// <summary>Initial log-std of a Gaussian policy (Box action spaces only; default 0).</summary>
    public double InitialLogStd { get; init; }

    /// <summary>The value network of the <see cref="ReinforceBaseline.StateValue"/> baseline (default 64-64 tanh).</summary>
    public NetworkConfig Value { get; init; } = new();

    /// <summary>Adam step size of the value network (default 1e-3).</summary>
    public double ValueLearningRate { get; init; } = 1e-3;

    /// <summary>Passes over the batch when fitting the value network (default 10).</summary>
    public int ValueEpochs { get; init; } = 10;

    /// <summary>Minibatch size of the value regression (default 256).</summary>
    public int ValueMinibatchSize { get; init; } = 256;

    /// <summary>Normalize observations by running statistics (default false).</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Checks every option against the env; errors name the option, what was expected and what came.</summary>
    public void Validate(VectorEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        static void Positive(string name, double value)
        {
            if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentException($"ReinforceConfig.{name}: expected a positive finite number, got {value}.");
        }
        Positive(nameof(Envs), Envs);
        Positive(nameof(BatchSteps), BatchSteps);
        Positive(nameof(LearningRate), LearningRate);
        Positive(nameof(ValueLearningRate), ValueLearningRate);
        Positive(nameof(ValueEpochs), ValueEpochs);
        Positive(nameof(ValueMinibatchSize), ValueMinibatchSize);
        if (MaxGradNorm is double norm) Positive(nameof(MaxGradNorm), norm);
        if (!(Gamma >= 0 && Gamma <= 1)) throw new ArgumentException($"ReinforceConfig.Gamma: expected a discount in [0, 1], got {Gamma}.");
        if (!Enum.IsDefined(Baseline)) throw new ArgumentException($"ReinforceConfig.Baseline: expected one of {string.Join(", ", Enum.GetNames<ReinforceBaseline>())}, got {(int)Baseline}.");
        if (!double.IsFinite(InitialLogStd)) throw new ArgumentException($"ReinforceConfig.InitialLogStd: expected a finite number, got {InitialLogStd}.");
        if (env.Count != Envs) throw new ArgumentException($"ReinforceConfig.Envs: the config asks for {Envs} envs, the vector env has {env.Count}.");
        Policy.Validate("ReinforceConfig.Policy");
        Value.Validate("ReinforceConfig.Value");
        OnPolicyChecks.ActionSpace("ReinforceConfig", env.SingleActionSpace, LogStd, InitialLogStd);
    }
}

/// <summary>One sampled episode: observations as the policy saw them, actions, rewards.</summary>
/// <param name="Observations">T x ObservationSize values.</param>
/// <param name="Actions">T x ActionSize values.</param>
/// <param name="Rewards">T rewards.</param>
/// <param name="Return">The undiscounted return as the env reported it.</param>
public sealed record SampledEpisode(float[] Observations, float[] Actions, double[] Rewards, double Return)
{
    /// <summary>Steps T.</summary>
    public int Length => Rewards.Length;
}

/// <summary>The baselines of <see cref="ReinforceBaseline"/> as functions of a batch's reward-to-go.</summary>
public static class ReinforceBaselines
{
    /// <summary>The average episode return (1/N) sum_i Q_{i,0}.</summary>
    public static double Constant(IReadOnlyList<double[]> rewardToGo)
    {
        CheckBatch(rewardToGo);
        return rewardToGo.Average(q => q[0]);
    }

    /// <summary>sum_i |g_i|^2 R_i / sum_i |g_i|^2 for returns R_i and squared score norms |g_i|^2 (the plain average if all norms are 0).</summary>
    public static double OptimalConstant(ReadOnlySpan<double> returns, ReadOnlySpan<double> scoreSquaredNorms)
    {
        if (returns.Length == 0 || returns.Length != scoreSquaredNorms.Length)
            throw new ArgumentException($"OptimalConstant: expected as many squared score norms as returns (at least one), got {scoreSquaredNorms.Length} and {returns.Length}.");
        double weighted = 0, total = 0, plain = 0;
        for (int i = 0; i < returns.Length; i++)
        {
            weighted += scoreSquaredNorms[i] * returns[i];
            total += scoreSquaredNorms[i];
            plain += returns[i];
        }
        return total > 0 ? weighted / total : plain / returns.Length;
    }

    /// <summary>b_t = the mean of Q_{i,t} over the episodes i longer than t; the result is as long as the longest episode.</summary>
    public static double[] TimeDependent(IReadOnlyList<double[]> rewardToGo)
    {
        CheckBatch(rewardToGo);
        int horizon = rewardToGo.Max(q => q.Length);
        var sums = new double[horizon];
        var counts = new int[horizon];
        foreach (double[] q in rewardToGo)
        {
            for (int t = 0; t < q.Length; t++)
            {
                sums[t] += q[t];
                counts[t]++;
            }
        }
        for (int t = 0; t < horizon; t++) sums[t] /= counts[t];
        return sums;
    }

    private static void CheckBatch(IReadOnlyList<double[]> rewardToGo)
    {
        if (rewardToGo.Count == 0 || rewardToGo.Any(q => q.Length == 0))
            throw new ArgumentException("ReinforceBaselines: expected at least one episode, each of at least one step.");
    }
}

/// <summary>REINFORCE with reward-to-go and a baseline, on batches of whole episodes.</summary>
public sealed class Reinforce : IAlgorithm
{
    private readonly VectorEnv env;
    private readonly ReinforceConfig config;
    private readonly StochasticPolicy policy;
    private readonly ValueNetwork? value;
    private readonly Adam optimizer;
    private readonly Adam? valueOptimizer;
    private readonly ObservationFilter? filter;
    private Rng rng;

    /// <summary>REINFORCE on <paramref name="env"/> (with <see cref="ReinforceConfig.Envs"/> copies); every random choice follows <paramref name="seed"/>.</summary>
    public Reinforce(VectorEnv env, ReinforceConfig config, long seed)
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
            optimizer.ZeroGrad();
            loss.Backward();
            gradNorm = Gradients.ClipByGlobalNorm(policy.Parameters(), config.MaxGradNorm ?? double.PositiveInfinity);
            optimizer.Step();
            policyLoss = loss.Item();
            entropy = pi.Entropy().Mean().Item();
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
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(policy, filter, deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        checkpoint.PutModule("reinforce/policy", policy);
        checkpoint.PutOptimizer("reinforce/optimizer", optimizer);
        if (value is not null)
        {
            checkpoint.PutModule("reinforce/value", value);
            checkpoint.PutOptimizer("reinforce/value_optimizer", valueOptimizer!);
        }
        checkpoint.PutFilter("reinforce/filter", filter);
        checkpoint.PutRng("reinforce/rng", rng);
        checkpoint.PutEnv("reinforce/env", env);
        checkpoint.Put("reinforce/counters", w =>
        {
            w.Write(EnvSteps);
            w.Write(Iterations);
        });
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        checkpoint.ReadModule("reinforce/policy", policy);
        checkpoint.ReadOptimizer("reinforce/optimizer", optimizer);
        if (value is not null)
        {
            checkpoint.ReadModule("reinforce/value", value);
            checkpoint.ReadOptimizer("reinforce/value_optimizer", valueOptimizer!);
        }
        checkpoint.ReadFilter("reinforce/filter", filter);
        rng = checkpoint.GetRng("reinforce/rng");
        checkpoint.ReadEnv("reinforce/env", env);
        checkpoint.Read("reinforce/counters", r =>
        {
            EnvSteps = r.ReadInt64();
            Iterations = r.ReadInt32();
        });
    }
}

/// <summary>Checks shared by the on-policy configs.</summary>
internal static class OnPolicyChecks
{
    /// <summary>The env's actions must be Discrete or Box; Gaussian options only make sense on a Box.</summary>
    public static void ActionSpace(string owner, Space actions, LogStdMode logStd, double initialLogStd)
    {
        switch (actions)
        {
            case Discrete d when logStd != LogStdMode.StateIndependent || initialLogStd != 0:
                throw new ArgumentException(
                    $"{owner}.{(logStd != LogStdMode.StateIndependent ? "LogStd" : "InitialLogStd")}: a Gaussian (Box) policy option, but the env's actions are {d.Describe()}; expected the defaults for a categorical policy.");
            case Discrete or Box:
                break;
            default:
                throw new ArgumentException($"{owner}: expected an env with Discrete or Box actions, got {actions.Describe()}.");
        }
    }
}
