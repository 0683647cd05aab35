// Deep Q-learning (Mnih et al. 2015, "Human-level control through deep reinforcement learning": Q-learning with
// experience replay and a target network) and its family as config switches:
//   act      epsilon-greedy on Q_theta, epsilon annealed linearly from 1 to its final value (EpsilonGreedyBehaviour);
//   store    (s, a, r, s') in a replay buffer, n-step and prioritized if switched on (OffPolicyCollector);
//   target   y = R + gamma^k (1 - terminated) Q_target(s', a*), a* = argmax_a Q_target(s', a) (DQN) or
//            argmax_a Q_theta(s', a) (Double DQN, van Hasselt et al. 2016); truncated episodes still bootstrap;
//   fit      minimize the Huber loss of Q_theta(s, a) - y over a replayed batch, gradients clipped by norm;
//   track    copy theta into the target network every so many env steps (or Polyak-average it).
// Dueling heads (Wang et al. 2016) are QNetwork's. Counting follows Stable-Baselines3's DQN, whose RL Zoo
// hyperparameters the presets start from: train frequency, learning starts and target updates are in env steps.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.OffPolicy;

/// <summary>DQN (with the Double, Dueling, prioritized and n-step switches of <see cref="DqnConfig"/>) on a vector env with a Discrete action space.</summary>
public sealed class Dqn : IAlgorithm
{
    private readonly IVectorEnv env;
    private readonly Space observationSpace;
    private readonly int inputSize;
    private readonly int actionCount;
    private readonly QNetwork online;
    private readonly QNetwork target;
    private readonly Adam optimizer;
    private readonly IReplayBuffer replay;
    private readonly EpsilonGreedyBehaviour behaviour;
    private readonly OffPolicyCollector collector;
    private readonly Action updateTargetOnSchedule;
    private readonly ReplayBatch batch;
    private readonly int[] batchActions;
    private readonly float[] targets;
    private readonly float[] tdErrors;
    private Rng replayRng;

    /// <summary>DQN on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice follows from the seed.</summary>
    /// <exception cref="ArgumentException">A config option is out of range, or the env's action space is not Discrete.</exception>
    public Dqn(IVectorEnv env, DqnConfig config, long seed)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        if (env.SingleActionSpace is not Discrete discrete)
        {
            throw new ArgumentException(
                $"dqn: expected a Discrete action space, got {env.SingleActionSpace.Describe()} on {env.Name}; DQN takes argmax_a Q(s, a) over finitely many actions (use a policy-gradient method for continuous actions).");
        }
        if (env.Count != config.Envs)
            throw new ArgumentException($"dqn: DqnConfig.Envs is {config.Envs} but the vector env has {env.Count} copies; expected them equal.");
        observationSpace = env.SingleObservationSpace;
        inputSize = QInputs.Size(observationSpace);
        actionCount = discrete.N;
        var root = new Rng(seed);
        Rng init = root.Fork(0);
        online = new QNetwork(inputSize, actionCount, config.Network, init, config.Dueling);
        target = new QNetwork(inputSize, actionCount, config.Network, init, config.Dueling);
        target.CopyParametersFrom(online);
        optimizer = new Adam(online.Parameters(), new AdamConfig { LearningRate = config.LearningRate });
        // A Discrete action is stored as one float, its index.
        replay = config.Prioritized
            ? new PrioritizedReplayBuffer(config.BufferSize, inputSize, 1, config.PriorityAlpha, config.PriorityEpsilon) { Beta = config.PriorityBeta }
            : new ReplayBuffer(config.BufferSize, inputSize, 1);
        batch = new ReplayBatch(config.BatchSize, inputSize, 1);
        batchActions = new int[config.BatchSize];
        targets = new float[config.BatchSize];
        tdErrors = new float[config.BatchSize];
        behaviour = new EpsilonGreedyBehaviour(online, config, root.Fork(1));
        collector = new OffPolicyCollector(env, replay, behaviour, config.NSteps, config.Gamma);
        updateTargetOnSchedule = UpdateTargetOnSchedule;
        replayRng = root.Fork(2);
        env.Reset(seed);
    }

    /// <summary>The settings.</summary>
    public DqnConfig Config { get; }

    /// <summary>The online network Q_theta.</summary>
    public QNetwork Network => online;

    /// <summary>The target network.</summary>
    public QNetwork TargetNetwork => target;

    /// <summary>The replay buffer.</summary>
    public IReplayBuffer Replay => replay;

    /// <inheritdoc />
    public string Name => "dqn";

    /// <summary>The collection loop (env, replay, n-step windows, episode counters).</summary>
    public OffPolicyCollector Collector => collector;

    /// <inheritdoc />
    public long EnvSteps => collector.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>Gradient steps taken so far.</summary>
    public long GradientStepCount { get; private set; }

    /// <summary>Episodes finished so far.</summary>
    public long Episodes => collector.Episodes;

    /// <summary>Exploration rate after <paramref name="envSteps"/> env steps: linear from the initial to the final value.</summary>
    public double Epsilon(long envSteps) => behaviour.Epsilon(envSteps);

    /// <inheritdoc />
    /// <remarks>
    /// Collects <see cref="DqnConfig.TrainFrequency"/> vector-env steps (uniformly random actions before
    /// <see cref="DqnConfig.LearningStarts"/> env steps, epsilon-greedy after), updating the target network on its
    /// schedule after each, then takes <see cref="DqnConfig.GradientSteps"/> gradient steps once more than
    /// LearningStarts env steps are in replay: the update-to-data ratio is GradientSteps per TrainFrequency x Envs env steps.
    /// </remarks>
    public IReadOnlyDictionary<string, double> Iterate()
    {
        int n = env.Count;
        collector.Collect(Config.TrainFrequency, updateTargetOnSchedule);
        // ---- fit Q_theta on replayed batches
        double lossSum = 0, qSum = 0;
        int steps = 0;
        if (EnvSteps > Config.LearningStarts)
        {
            steps = Config.GradientSteps == -1 ? Config.TrainFrequency * n : Config.GradientSteps;
            for (int g = 0; g < steps; g++)
            {
                (double loss, double q) = TrainStep();
                lossSum += loss;
                qSum += q;
            }
        }
        Iterations++;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = collector.MeanEpisodeReturn,
            ["rollout/episodes"] = Episodes,
            ["rollout/exploration"] = Epsilon(EnvSteps),
            ["train/loss"] = steps > 0 ? lossSum / steps : double.NaN,
            ["train/q_mean"] = steps > 0 ? qSum / steps : double.NaN,
            ["train/gradient_steps"] = GradientStepCount,
            ["train/learning_rate"] = optimizer.LearningRate,
        };
    }

    // Target updates count vector-env steps: every TargetUpdateInterval / N of them (at least every one).
    private void UpdateTargetOnSchedule()
    {
        int n = env.Count;
        long targetPeriod = Math.Max(Config.TargetUpdateInterval / n, 1);
        if (EnvSteps / n % targetPeriod == 0) UpdateTarget();
    }

    /// <summary>One gradient step on a replayed batch; returns the loss and the mean Q(s, a) of the batch.</summary>
    private (double Loss, double MeanQ) TrainStep()
    {
        if (replay is PrioritizedReplayBuffer prioritized)
            prioritized.Beta = Config.PriorityBeta + (1 - Config.PriorityBeta) * Math.Min(1.0, (double)EnvSteps / Config.PriorityBetaSteps);
        replay.Sample(replayRng, batch);
        int b = batch.Size;
        using var scope = TensorScope.Begin();
        ComputeTargets(batch, online, target, Config.Double, targets);
        // Stored actions are action indices as floats, exact below 2^24.
        for (int i = 0; i < b; i++) batchActions[i] = (int)batch.Actions[i];
        Tensor q = online.Forward(Tensor.FromArray(batch.Observations, b, inputSize)).Gather(1, batchActions);
        Tensor y = Tensor.FromArray(targets, b, 1);
        Tensor? weights = replay is PrioritizedReplayBuffer ? Tensor.FromArray(batch.Weights, b, 1) : null;
        Tensor loss = TdLoss.Huber(q, y, weights, Config.HuberDelta);
        optimizer.ZeroGrad();
        loss.Backward();
        Gradients.ClipByGlobalNorm(online.Parameters(), Config.MaxGradNorm);
        optimizer.Step();
        GradientStepCount++;
        ReadOnlySpan<float> qValues = q.Span<float>();
        double qSum = 0;
        for (int i = 0; i < b; i++)
        {
            tdErrors[i] = qValues[i] - targets[i];
            qSum += qValues[i];
        }
        replay.UpdatePriorities(batch.Indices, tdErrors);
        return (loss.Item(), qSum / b);
    }

    /// <summary>
    /// The TD targets y_i = R_i + gamma^k_i (1 - terminated_i) Q_target(s'_i, a*_i) of a batch, with a*_i the argmax of
    /// Q_target (DQN) or of Q_online (Double DQN) at s'_i; no gradient flows into them.
    /// </summary>
    public static void ComputeTargets(ReplayBatch batch, QNetwork online, QNetwork target, bool doubleQ, Span<float> targets)
    {
        int b = batch.Size, o = batch.ObservationSize;
        if (targets.Length != b) throw new ArgumentException($"ComputeTargets: expected a target buffer of {b}, got {targets.Length}.");
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        Tensor next = Tensor.FromArray(batch.NextObservations, b, o);
        Tensor nextQ = target.Forward(next);
        int[] best = doubleQ ? online.Forward(next).ArgMax(1) : nextQ.ArgMax(1);
        ReadOnlySpan<float> values = nextQ.Gather(1, best).Span<float>();
        for (int i = 0; i < b; i++) targets[i] = batch.Rewards[i] + batch.Discounts[i] * (1f - batch.Terminated[i]) * values[i];
    }

    private void UpdateTarget()
    {
        if (Config.Tau >= 1) target.CopyParametersFrom(online);
        else target.SoftUpdateFrom(online, Config.Tau);
    }

    /// <summary>
    /// The greedy policy argmax_a Q(s, a) (deterministic), or epsilon-greedy with <see cref="DqnConfig.FinalEpsilon"/>
    /// drawn from its own generator seeded with <paramref name="seed"/>; it acts with a copy of the online network.
    /// </summary>
    public IPolicy Policy(bool deterministic, long seed = 0) => new QPolicy(InferencePolicy(), deterministic ? 0 : Config.FinalEpsilon, seed);

    /// <summary>The greedy policy argmax_a Q_theta(s, a) (a copy of the online network).</summary>
    public InferencePolicy InferencePolicy() => online.ToInference(observationSpace);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        InferencePolicy().Save(checkpoint);
        checkpoint.PutModule(CheckpointSections.TargetQ, target);
        checkpoint.PutOptimizer(CheckpointSections.Optimizer, optimizer);
        checkpoint.PutRng(CheckpointSections.Rng + "/exploration", behaviour.Rng);
        checkpoint.PutRng(CheckpointSections.Rng + "/replay", replayRng);
        collector.Save(checkpoint);
        checkpoint.Put(CheckpointSections.Counters, w =>
        {
            w.Write(Iterations);
            w.Write(GradientStepCount);
        });
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        checkpoint.ReadPolicy(stored => online.CopyFrom(stored.Network));
        checkpoint.ReadModule(CheckpointSections.TargetQ, target);
        checkpoint.ReadOptimizer(CheckpointSections.Optimizer, optimizer);
        Rng exploration = checkpoint.GetRng(CheckpointSections.Rng + "/exploration"), replaying = checkpoint.GetRng(CheckpointSections.Rng + "/replay");
        collector.Load(checkpoint);
        checkpoint.Read(CheckpointSections.Counters, r =>
        {
            Iterations = r.ReadInt32();
            GradientStepCount = r.ReadInt64();
        });
        behaviour.Rng = exploration;
        replayRng = replaying;
    }
}
