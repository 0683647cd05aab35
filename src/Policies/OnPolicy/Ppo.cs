// Proximal policy optimization (Schulman et al. 2017, "Proximal Policy Optimization Algorithms", as the
// lecture notes on natural policy gradients, TRPO and PPO present it). Each iteration collects T steps of N envs with
// pi_old, estimates advantages by GAE(lambda), then takes K epochs of minibatch Adam steps on one of the notes' two
// surrogates, with a value loss and an entropy bonus:
//   clipped:         L_CLIP = E[min(r A, clip(r, 1 - eps, 1 + eps) A)],   r = pi(a|s) / pi_old(a|s)
//   adaptive KL:     L_KL   = E[r A] - beta KL(pi_old || pi), and after the update beta <- 2 beta when
//                    KL > 1.5 target, beta <- beta / 2 when KL < target / 1.5.
// Implementation details follow Engstrom et al. 2020 / SB3: per-minibatch advantage normalization, optional value
// clipping, global-norm gradient clipping, linear learning-rate annealing, and an optional target-KL early stop.
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.OnPolicy;

/// <summary>Proximal policy optimization, clipped or with the adaptive KL penalty.</summary>
public sealed class Ppo : IAlgorithm
{
    private readonly IVectorEnv env;
    private readonly StochasticPolicy policy;
    private readonly StochasticPolicy? oldPolicy;
    private readonly ValueNetwork critic;
    private readonly Adam optimizer;
    private readonly IReadOnlyList<Tensor> parameters;
    private readonly RolloutBuffer buffer;
    private readonly RolloutCollector collector;
    private readonly int[] order;
    private Rng actionRng;
    private Rng shuffleRng;
    private double beta;

    /// <summary>PPO on <paramref name="env"/> (reset here with <paramref name="seed"/>); every generator derives from the seed.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or does not fit the env (named in the message).</exception>
    public Ppo(IVectorEnv env, PpoConfig config, long seed)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate(env);
        var root = new Rng(seed);
        int observationSize = env.ObservationSize;
        policy = StochasticPolicy.Create(observationSize, env.SingleActionSpace, config.Network, root.Fork(0), config.LogStd, config.InitialLogStd);
        critic = new ValueNetwork(observationSize, config.Network, root.Fork(1));
        if (config.Objective == PpoObjective.AdaptiveKl)
            oldPolicy = StochasticPolicy.Create(observationSize, env.SingleActionSpace, config.Network, root.Fork(0), config.LogStd, config.InitialLogStd);
        actionRng = root.Fork(2);
        shuffleRng = root.Fork(3);
        parameters = [.. policy.Parameters(), .. critic.Parameters()];
        optimizer = new Adam(parameters, new AdamConfig { LearningRate = config.LearningRate, Epsilon = 1e-5 });
        buffer = new RolloutBuffer(config.StepsPerEnv, config.Envs, observationSize, env.ActionSize);
        collector = new RolloutCollector(env, config.NormalizeObservations ? new ObservationFilter(observationSize) : null);
        order = new int[buffer.Count];
        beta = config.InitialKlBeta;
        env.Reset(seed);
    }

    /// <summary>The settings.</summary>
    public PpoConfig Config { get; }

    /// <inheritdoc />
    public string Name => Config.Objective == PpoObjective.Clip ? "ppo" : "ppo-kl";

    /// <inheritdoc />
    public long EnvSteps => collector.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>The policy network.</summary>
    public StochasticPolicy PolicyNetwork => policy;

    /// <summary>The current KL penalty coefficient beta (adaptive-KL objective).</summary>
    public double KlBeta => beta;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Iterate()
    {
        PpoConfig c = Config;
        if (c.AnnealSteps > 0) optimizer.LearningRate = c.LearningRate * Math.Max(0, 1 - (double)EnvSteps / c.AnnealSteps);

        // Sample {tau_i} from pi_old and estimate advantages.
        long started = Stopwatch.GetTimestamp();
        collector.Collect(buffer, policy, critic, actionRng, c.Gamma, c.RewardScale);
        buffer.ComputeAdvantages(c.Gamma, c.GaeLambda);
        oldPolicy?.CopyParametersFrom(policy);
        TimeSpan collecting = Stopwatch.GetElapsedTime(started);

        // K epochs of minibatch Adam on the surrogate.
        int size = buffer.Count / c.Minibatches;
        double policyLoss = 0, valueLoss = 0, entropy = 0, approxKl = 0, clipFraction = 0;
        int updates = 0;
        bool stoppedEarly = false;
        for (int epoch = 0; epoch < c.Epochs && !stoppedEarly; epoch++)
        {
            Shuffle();
            for (int start = 0; start < buffer.Count; start += size)
            {
                var step = Update(order.AsSpan(start, size));
                if (c.TargetKl is double target && step.ApproxKl > 1.5 * target)
                {
                    stoppedEarly = true;
                    break;
                }
                policyLoss += step.PolicyLoss;
                valueLoss += step.ValueLoss;
                entropy += step.Entropy;
                approxKl += step.ApproxKl;
                clipFraction += step.ClipFraction;
                updates++;
            }
        }

        // The notes' adaptive-beta rule, on the KL of the whole rollout after the update.
        double klAfter = double.NaN;
        if (c.Objective == PpoObjective.AdaptiveKl)
        {
            klAfter = RolloutKl();
            beta = AdaptKlBeta(beta, klAfter, c.KlTarget);
        }
        Iterations++;
        double n = Math.Max(updates, 1);
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = collector.RecentReturns.Count > 0 ? collector.RecentReturns.Average() : double.NaN,
            ["rollout/episodes"] = collector.Episodes,
            ["train/policy_loss"] = policyLoss / n,
            ["train/value_loss"] = valueLoss / n,
            ["train/entropy"] = entropy / n,
            ["train/approx_kl"] = approxKl / n,
            ["train/clip_fraction"] = clipFraction / n,
            ["train/kl"] = klAfter,
            ["train/kl_beta"] = beta,
            ["train/learning_rate"] = optimizer.LearningRate,
            ["train/updates"] = updates,
            ["train/explained_variance"] = ExplainedVariance(),
            ["time/collect_ms"] = collecting.TotalMilliseconds,
            ["time/update_ms"] = (Stopwatch.GetElapsedTime(started) - collecting).TotalMilliseconds,
        };
    }

    /// <summary>
    /// L_CLIP = mean(min(r A, clip(r, 1 - eps, 1 + eps) A)) for importance ratios <paramref name="ratio"/> and
    /// advantages <paramref name="advantages"/> (both (B,)). Its gradient in r is A where the ratio is inside the
    /// clip range or on the side that worsens the objective, and zero where clipping removes the incentive to move
    /// further (r > 1 + eps with A > 0, r &lt; 1 - eps with A &lt; 0).
    /// </summary>
    public static Tensor ClippedSurrogate(Tensor ratio, Tensor advantages, double clipRange)
        => Tensor.Minimum(ratio * advantages, ratio.Clamp(1 - clipRange, 1 + clipRange) * advantages).Mean();

    /// <summary>The adaptive-KL rule of the notes: beta doubled when the KL exceeds 1.5 x target, halved when below target / 1.5, else kept.</summary>
    public static double AdaptKlBeta(double beta, double kl, double target)
    {
        if (kl > 1.5 * target) return beta * 2;
        if (kl < target / 1.5) return beta / 2;
        return beta;
    }

    private readonly record struct StepStatistics(double PolicyLoss, double ValueLoss, double Entropy, double ApproxKl, double ClipFraction);

    // One Adam step on a minibatch; returns its statistics (ApproxKl before the step, for the early stop).
    private StepStatistics Update(ReadOnlySpan<int> rows)
    {
        PpoConfig c = Config;
        using var scope = TensorScope.Begin();
        Tensor observations = RolloutBuffer.Gather(buffer.Observations, buffer.ObservationSize, rows);
        Tensor actions = RolloutBuffer.Gather(buffer.Actions, buffer.ActionSize, rows);
        Tensor oldLogProbs = RolloutBuffer.Gather(buffer.LogProbs, 1, rows).Reshape(-1);
        Tensor advantages = RolloutBuffer.Gather(buffer.Advantages, 1, rows).Reshape(-1);
        Tensor returns = RolloutBuffer.Gather(buffer.Returns, 1, rows).Reshape(-1);
        if (c.NormalizeAdvantages) Advantages.Normalize(advantages.Span<float>());

        IActionDistribution pi = policy.Distribution(observations);
        Tensor logRatio = pi.LogProb(actions) - oldLogProbs;
        Tensor ratio = logRatio.Exp();
        Tensor surrogate;
        if (c.Objective == PpoObjective.Clip)
        {
            surrogate = ClippedSurrogate(ratio, advantages, c.ClipRange);
        }
        else
        {
            IActionDistribution old;
            using (Autograd.NoGrad()) old = oldPolicy!.Distribution(observations);
            surrogate = (ratio * advantages).Mean() - beta * old.Kl(pi).Mean();
        }

        Tensor values = critic.Values(observations);
        Tensor valueError = (values - returns).Square();
        if (c.ValueClipRange is double range)
        {
            Tensor oldValues = RolloutBuffer.Gather(buffer.Values, 1, rows).Reshape(-1);
            Tensor clippedValues = oldValues + (values - oldValues).Clamp(-range, range);
            valueError = Tensor.Maximum(valueError, (clippedValues - returns).Square());
        }
        Tensor valueLoss = valueError.Mean();
        Tensor entropy = pi.Entropy().Mean();
        Tensor loss = -surrogate + c.ValueCoefficient * valueLoss - c.EntropyCoefficient * entropy;

        // Schulman's low-variance estimator of KL(pi_old || pi): E[(r - 1) - log r].
        double approxKl = 0, clipped = 0;
        ReadOnlySpan<float> lr = logRatio.Span<float>();
        for (int i = 0; i < lr.Length; i++)
        {
            double r = Math.Exp(lr[i]);
            approxKl += r - 1 - lr[i];
            if (Math.Abs(r - 1) > c.ClipRange) clipped++;
        }
        approxKl /= lr.Length;
        if (c.TargetKl is double target && approxKl > 1.5 * target) return new StepStatistics(0, 0, 0, approxKl, 0);

        // A NaN or infinite term (a reward, an observation or a weight gone bad) stops training before the step.
        double surrogateValue = NonFiniteLossException.Check(Name, Iterations, "surrogate objective", surrogate.Item());
        double valueValue = NonFiniteLossException.Check(Name, Iterations, "value loss", valueLoss.Item());
        double entropyValue = NonFiniteLossException.Check(Name, Iterations, "entropy", entropy.Item());
        optimizer.ZeroGrad();
        loss.Backward();
        Gradients.ClipByGlobalNorm(parameters, c.MaxGradNorm);
        optimizer.Step();
        return new StepStatistics(-surrogateValue, valueValue, entropyValue, approxKl, clipped / lr.Length);
    }

    // Mean KL(pi_old || pi) over the whole rollout.
    private double RolloutKl()
    {
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        Tensor observations = buffer.All(buffer.Observations, buffer.ObservationSize);
        return oldPolicy!.Distribution(observations).Kl(policy.Distribution(observations)).Mean().Item();
    }

    // 1 - Var(R - V) / Var(R) over the rollout: how much of the return variance V_old explains.
    private double ExplainedVariance()
    {
        double meanReturn = 0, meanError = 0;
        int n = buffer.Count;
        for (int i = 0; i < n; i++)
        {
            meanReturn += buffer.Returns[i];
            meanError += buffer.Returns[i] - buffer.Values[i];
        }
        meanReturn /= n;
        meanError /= n;
        double varReturn = 0, varError = 0;
        for (int i = 0; i < n; i++)
        {
            varReturn += (buffer.Returns[i] - meanReturn) * (buffer.Returns[i] - meanReturn);
            double e = buffer.Returns[i] - buffer.Values[i] - meanError;
            varError += e * e;
        }
        return varReturn > 0 ? 1 - varError / varReturn : double.NaN;
    }

    private void Shuffle()
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = shuffleRng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    /// <inheritdoc />
    /// <inheritdoc />
    public InferencePolicy InferencePolicy() => policy.ToInference(collector.Filter);

    /// <inheritdoc />
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(InferencePolicy(), deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        InferencePolicy().Save(checkpoint);
        checkpoint.PutModule(CheckpointSections.Value, critic);
        checkpoint.PutOptimizer(CheckpointSections.Optimizer, optimizer);
        checkpoint.PutRng(CheckpointSections.Rng + "/actions", actionRng);
        checkpoint.PutRng(CheckpointSections.Rng + "/shuffle", shuffleRng);
        checkpoint.PutEnv(CheckpointSections.Env, env);
        checkpoint.PutFilter(CheckpointSections.ObservationFilter, collector.Filter);
        checkpoint.Put(CheckpointSections.Counters, w =>
        {
            collector.WriteState(w);
            w.Write(Iterations);
            w.Write(beta);
        });
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        checkpoint.ReadPolicy(policy);
        checkpoint.ReadModule(CheckpointSections.Value, critic);
        checkpoint.ReadOptimizer(CheckpointSections.Optimizer, optimizer);
        actionRng = checkpoint.GetRng(CheckpointSections.Rng + "/actions");
        shuffleRng = checkpoint.GetRng(CheckpointSections.Rng + "/shuffle");
        checkpoint.ReadEnv(CheckpointSections.Env, env);
        checkpoint.ReadFilter(CheckpointSections.ObservationFilter, collector.Filter);
        checkpoint.Read(CheckpointSections.Counters, r =>
        {
            collector.ReadState(r);
            Iterations = r.ReadInt32();
            beta = r.ReadDouble();
        });
    }
}
