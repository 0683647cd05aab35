// Deep Q-learning (Mnih et al. 2015) and its family as config switches, following 003 (fitted Q-iteration,
// Q-learning) and 004 (the DQN family; experience replay and target networks):
//   act      epsilon-greedy on Q_theta, epsilon annealed linearly from 1 to its final value;
//   store    (s, a, r, s') in a replay buffer, n-step and prioritized if switched on;
//   target   y = R + gamma^k (1 - terminated) Q_target(s', a*), a* = argmax_a Q_target(s', a) (DQN) or
//            argmax_a Q_theta(s', a) (Double DQN, van Hasselt et al. 2016); truncated episodes still bootstrap;
//   fit      minimize the Huber loss of Q_theta(s, a) - y over a replayed batch, gradients clipped by norm;
//   track    copy theta into the target network every so many env steps (or Polyak-average it).
// Dueling heads (Wang et al. 2016) are QNetwork's. Counting follows Stable-Baselines3's DQN, whose RL Zoo
// hyperparameters the presets start from: train frequency, learning starts and target updates are in env steps.
using Control.Dynamics;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies;

/// <summary>Settings of <see cref="Dqn"/>. Defaults are Stable-Baselines3's DQN defaults unless noted.</summary>
public sealed record DqnConfig
{
    /// <summary>Parallel env copies (default 1).</summary>
    public int Envs { get; init; } = 1;

    /// <summary>Adam step size (default 1e-4).</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Transitions the replay buffer holds (default 1,000,000).</summary>
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Env steps of uniformly random actions before learning begins (default 100).</summary>
    public long LearningStarts { get; init; } = 100;

    /// <summary>Transitions per gradient step (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Vector-env steps collected per iteration, each followed by training (default 4).</summary>
    public int TrainFrequency { get; init; } = 4;

    /// <summary>Gradient steps per iteration; -1 takes as many as env steps were collected (default 1).</summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>Env steps between target-network updates (default 10,000).</summary>
    public long TargetUpdateInterval { get; init; } = 10_000;

    /// <summary>Target update weight: 1 copies the online network (hard update), less than 1 Polyak-averages (default 1).</summary>
    public double Tau { get; init; } = 1.0;

    /// <summary>Exploration rate at the start (default 1).</summary>
    public double InitialEpsilon { get; init; } = 1.0;

    /// <summary>Exploration rate after <see cref="ExplorationSteps"/> (default 0.05).</summary>
    public double FinalEpsilon { get; init; } = 0.05;

    /// <summary>
    /// Env steps over which epsilon falls linearly to <see cref="FinalEpsilon"/> (default 10,000; SB3's exploration
    /// fraction times the budget, kept absolute here so that a resumed run follows the same schedule).
    /// </summary>
    public long ExplorationSteps { get; init; } = 10_000;

    /// <summary>Threshold |d| between the quadratic and linear parts of the Huber loss (default 1).</summary>
    public double HuberDelta { get; init; } = 1.0;

    /// <summary>Bound on the global L2 norm of the gradient (default 10).</summary>
    public double MaxGradNorm { get; init; } = 10.0;

    /// <summary>Hidden layers of the Q-network (default 64-64 ReLU with PyTorch's default initialization, as SB3's DQN).</summary>
    public NetworkConfig Network { get; init; } = new() { Hidden = [64, 64], Activation = Tensors.NN.Activation.Relu, Orthogonal = false };

    /// <summary>Double DQN: the online network picks a*, the target network values it (default off).</summary>
    public bool Double { get; init; }

    /// <summary>Dueling heads Q = V + A - mean A (default off).</summary>
    public bool Dueling { get; init; }

    /// <summary>Proportional prioritized replay (default off).</summary>
    public bool Prioritized { get; init; }

    /// <summary>Steps summed into each stored return (default 1: one-step Q-learning).</summary>
    public int NSteps { get; init; } = 1;

    /// <summary>Prioritized replay's exponent alpha (default 0.6, Schaul et al.'s proportional variant).</summary>
    public double PriorityAlpha { get; init; } = 0.6;

    /// <summary>Prioritized replay's importance exponent beta at the start (default 0.4), annealed linearly to 1.</summary>
    public double PriorityBeta { get; init; } = 0.4;

    /// <summary>Env steps over which beta reaches 1 (default 100,000).</summary>
    public long PriorityBetaSteps { get; init; } = 100_000;

    /// <summary>Added to |TD error| to make a priority (default 1e-6).</summary>
    public double PriorityEpsilon { get; init; } = 1e-6;

    /// <summary>
    /// CartPole-v1: the RL Zoo's hyperparameters (exploration fraction 0.16 of 50k steps) with 3-step returns and 32
    /// gradient steps per 256 env steps instead of 1-step returns and 128: with the Zoo's settings (or 64 gradient
    /// steps) the final greedy policy often collapses below 475 at 50k steps; this preset ends at 499-500 on seeds 1-5
    /// (bench/RESULTS.md, 2026-12-02).
    /// </summary>
    public static DqnConfig CartPole => new()
    {
        LearningRate = 2.3e-3, BatchSize = 64, BufferSize = 100_000, LearningStarts = 1000, Gamma = 0.99, TargetUpdateInterval = 10,
        TrainFrequency = 256, GradientSteps = 32, ExplorationSteps = 8000, FinalEpsilon = 0.04, NSteps = 3,
        Network = new NetworkConfig { Hidden = [256, 256], Activation = Tensors.NN.Activation.Relu, Orthogonal = false },
    };

    /// <summary>The RL Zoo's Acrobot-v1 hyperparameters (exploration fraction 0.12 of 100k steps).</summary>
    public static DqnConfig Acrobot => new()
    {
        LearningRate = 6.3e-4, BatchSize = 128, BufferSize = 50_000, LearningStarts = 0, Gamma = 0.99, TargetUpdateInterval = 250,
        TrainFrequency = 4, GradientSteps = -1, ExplorationSteps = 12_000, FinalEpsilon = 0.1,
        Network = new NetworkConfig { Hidden = [256, 256], Activation = Tensors.NN.Activation.Relu, Orthogonal = false },
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string option, object value, string expected)
        {
            if (!ok) throw new ArgumentException($"DqnConfig.{option}: expected {expected}, got {value}.");
        }
        Require(Envs > 0, nameof(Envs), Envs, "at least one env");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive finite learning rate");
        Require(BufferSize > 0, nameof(BufferSize), BufferSize, "a positive buffer size");
        Require(LearningStarts >= 0, nameof(LearningStarts), LearningStarts, "a non-negative step count");
        Require(BatchSize > 0, nameof(BatchSize), BatchSize, "a positive batch size");
        Require(Gamma >= 0 && Gamma <= 1, nameof(Gamma), Gamma, "a discount in [0, 1]");
        Require(TrainFrequency > 0, nameof(TrainFrequency), TrainFrequency, "a positive number of steps per iteration");
        Require(GradientSteps > 0 || GradientSteps == -1, nameof(GradientSteps), GradientSteps, "a positive count, or -1 for one per env step collected");
        Require(TargetUpdateInterval > 0, nameof(TargetUpdateInterval), TargetUpdateInterval, "a positive step count");
        Require(Tau > 0 && Tau <= 1, nameof(Tau), Tau, "a target update weight in (0, 1]");
        Require(InitialEpsilon >= 0 && InitialEpsilon <= 1, nameof(InitialEpsilon), InitialEpsilon, "a probability in [0, 1]");
        Require(FinalEpsilon >= 0 && FinalEpsilon <= 1, nameof(FinalEpsilon), FinalEpsilon, "a probability in [0, 1]");
        Require(ExplorationSteps > 0, nameof(ExplorationSteps), ExplorationSteps, "a positive step count");
        Require(HuberDelta > 0 && double.IsFinite(HuberDelta), nameof(HuberDelta), HuberDelta, "a positive finite threshold");
        Require(MaxGradNorm > 0, nameof(MaxGradNorm), MaxGradNorm, "a positive gradient norm bound");
        Require(Network is not null, nameof(Network), "null", "a network config");
        Network!.Validate(nameof(DqnConfig) + "." + nameof(Network));
        Require(NSteps >= 1, nameof(NSteps), NSteps, "at least one step");
        Require(PriorityAlpha >= 0 && double.IsFinite(PriorityAlpha), nameof(PriorityAlpha), PriorityAlpha, "a finite exponent >= 0");
        Require(PriorityBeta >= 0 && PriorityBeta <= 1, nameof(PriorityBeta), PriorityBeta, "an exponent in [0, 1]");
        Require(PriorityBetaSteps > 0, nameof(PriorityBetaSteps), PriorityBetaSteps, "a positive step count");
        Require(PriorityEpsilon > 0, nameof(PriorityEpsilon), PriorityEpsilon, "a positive priority floor");
    }
}

/// <summary>DQN (with the Double, Dueling, prioritized and n-step switches of <see cref="DqnConfig"/>) on a vector env with a Discrete action space.</summary>
public sealed class Dqn : IAlgorithm
{
    private readonly VectorEnv env;
    private readonly Space observationSpace;
    private readonly int inputSize;
    private readonly int actionCount;
    private readonly QNetwork online;
    private readonly QNetwork target;
    private readonly Adam optimizer;
    private readonly IReplayBuffer replay;
    private readonly NStepAssembler assembler;
    private readonly ReplayBatch batch;
    private readonly float[] inputs;
    private readonly float[] nextInput;
    private readonly double[] actions;
    private readonly float[] targets;
    private readonly float[] tdErrors;
    private readonly Queue<double> recentReturns = new();
    private Rng explorationRng;
    private Rng replayRng;

    /// <summary>DQN on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice follows from the seed.</summary>
    /// <exception cref="ArgumentException">A config option is out of range, or the env's action space is not Discrete.</exception>
    public Dqn(VectorEnv env, DqnConfig config, long seed)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        if (env.SingleActionSpace is not Discrete discrete)
        {
            throw new ArgumentException(
                $"dqn: expected a Discrete action space, got {env.SingleActionSpace.Describe()} on {env.Copies[0].Name}; DQN takes argmax_a Q(s, a) over finitely many actions (use a policy-gradient method for continuous actions).");
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
        replay = config.Prioritized
            ? new PrioritizedReplayBuffer(config.BufferSize, inputSize, config.PriorityAlpha, config.PriorityEpsilon) { Beta = config.PriorityBeta }
            : new ReplayBuffer(config.BufferSize, inputSize);
        assembler = new NStepAssembler(replay, env.Count, config.NSteps, config.Gamma);
        batch = new ReplayBatch(config.BatchSize, inputSize);
        inputs = new float[env.Count * inputSize];
        nextInput = new float[inputSize];
        actions = new double[env.Count];
        targets = new float[config.BatchSize];
        tdErrors = new float[config.BatchSize];
        explorationRng = root.Fork(1);
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

    /// <inheritdoc />
    public long EnvSteps { get; private set; }

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>Gradient steps taken so far.</summary>
    public long GradientStepCount { get; private set; }

    /// <summary>Episodes finished so far.</summary>
    public long Episodes { get; private set; }

    /// <summary>Exploration rate after <paramref name="envSteps"/> env steps: linear from the initial to the final value.</summary>
    public double Epsilon(long envSteps) => Config.InitialEpsilon
        + (Config.FinalEpsilon - Config.InitialEpsilon) * Math.Min(1.0, (double)envSteps / Config.ExplorationSteps);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Iterate()
    {
        int n = env.Count;
        long targetPeriod = Math.Max(Config.TargetUpdateInterval / n, 1);
        // ---- collect TrainFrequency steps of every copy into replay
        for (int t = 0; t < Config.TrainFrequency; t++)
        {
            QInputs.Encode(observationSpace, env.Observations, inputs);
            SelectActions();
            env.Step(actions);
            EnvSteps += n;
            for (int i = 0; i < n; i++)
            {
                bool terminated = env.Terminated[i], truncated = env.Truncated[i];
                double[] next = terminated || truncated ? env.FinalObservations : env.Observations;
                QInputs.Encode(observationSpace, next.AsSpan(i * env.ObservationSize, env.ObservationSize), nextInput);
                assembler.Add(i, inputs.AsSpan(i * inputSize, inputSize), (int)actions[i], (float)env.Rewards[i], nextInput, terminated, truncated);
                if (terminated || truncated) RecordEpisode(env.EpisodeReturns[i]);
            }
            if (EnvSteps / n % targetPeriod == 0) UpdateTarget();
        }
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
            ["rollout/episode_return"] = recentReturns.Count > 0 ? recentReturns.Average() : double.NaN,
            ["rollout/episodes"] = Episodes,
            ["rollout/exploration"] = Epsilon(EnvSteps),
            ["train/loss"] = steps > 0 ? lossSum / steps : double.NaN,
            ["train/q_mean"] = steps > 0 ? qSum / steps : double.NaN,
            ["train/gradient_steps"] = GradientStepCount,
            ["train/learning_rate"] = optimizer.LearningRate,
        };
    }

    // Random actions before learning starts, then epsilon-greedy per copy.
    private void SelectActions()
    {
        int n = env.Count;
        if (EnvSteps < Config.LearningStarts)
        {
            for (int i = 0; i < n; i++) actions[i] = explorationRng.NextInt(actionCount);
            return;
        }
        double epsilon = Epsilon(EnvSteps);
        int[]? greedy = null;
        for (int i = 0; i < n; i++)
        {
            if (explorationRng.NextDouble() < epsilon)
            {
                actions[i] = explorationRng.NextInt(actionCount);
                continue;
            }
            greedy ??= GreedyActions();
            actions[i] = greedy[i];
        }
    }

    private int[] GreedyActions()
    {
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        return online.Forward(Tensor.FromArray(inputs, env.Count, inputSize)).ArgMax(1);
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
        Tensor q = online.Forward(Tensor.FromArray(batch.Observations, b, inputSize)).Gather(1, batch.Actions);
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

    private void RecordEpisode(double episodeReturn)
    {
        Episodes++;
        recentReturns.Enqueue(episodeReturn);
        if (recentReturns.Count > 100) recentReturns.Dequeue();
    }

    /// <summary>
    /// The greedy policy argmax_a Q(s, a) (deterministic), or epsilon-greedy with <see cref="DqnConfig.FinalEpsilon"/>
    /// drawn from its own generator seeded with <paramref name="seed"/>; it reads the online network live.
    /// </summary>
    public IPolicy Policy(bool deterministic, long seed = 0) => new QPolicy(online, observationSpace, deterministic ? 0 : Config.FinalEpsilon, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        checkpoint.PutModule("q", online);
        checkpoint.PutModule("q_target", target);
        checkpoint.PutOptimizer("optimizer", optimizer);
        checkpoint.PutRng("rng_exploration", explorationRng);
        checkpoint.PutRng("rng_replay", replayRng);
        checkpoint.PutEnv("env", env);
        checkpoint.Put("replay", replay.Write);
        checkpoint.Put("n_step", assembler.Write);
        checkpoint.Put("counters", w =>
        {
            w.Write(EnvSteps);
            w.Write(Iterations);
            w.Write(GradientStepCount);
            w.Write(Episodes);
            w.Write(recentReturns.Count);
            foreach (double r in recentReturns) w.Write(r);
        });
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        checkpoint.ReadModule("q", online);
        checkpoint.ReadModule("q_target", target);
        checkpoint.ReadOptimizer("optimizer", optimizer);
        Rng exploration = checkpoint.GetRng("rng_exploration"), replaying = checkpoint.GetRng("rng_replay");
        checkpoint.ReadEnv("env", env);
        checkpoint.Read("replay", replay.Read);
        checkpoint.Read("n_step", assembler.Read);
        checkpoint.Read("counters", r =>
        {
            EnvSteps = r.ReadInt64();
            Iterations = r.ReadInt32();
            GradientStepCount = r.ReadInt64();
            Episodes = r.ReadInt64();
            int count = r.ReadInt32();
            if (count < 0 || count > 100) throw new InvalidDataException($"expected at most 100 recent returns, got {count}");
            recentReturns.Clear();
            for (int i = 0; i < count; i++) recentReturns.Enqueue(r.ReadDouble());
        });
        explorationRng = exploration;
        replayRng = replaying;
    }
}
