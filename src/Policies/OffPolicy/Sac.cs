// Soft Actor-Critic (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and Applications"): maximum-entropy RL, the
// return plus alpha times the policy's entropy, learned off-policy.
//   act        sample the tanh-Gaussian actor (uniformly random actions before LearningStarts), store in replay;
//   temperature  alpha = exp(log alpha), log alpha descends -log alpha (log pi(a|s) + target entropy), target -A;
//   critics    Q1, Q2 regress onto y = c r + gamma (1 - terminated) (min_j Q'_j(s', a') - alpha log pi(a'|s')), a' ~ pi(.|s'),
//              c the reward scale, the targets Q'_j Polyak-averaged copies (clipped double-Q, Fujimoto et al. 2018);
//   actor      descends mean(alpha log pi(a|s) - min_j Q_j(s, a)) through the reparameterized a = tanh(mean + std eps).
// The order within a gradient step is Stable-Baselines3's: the actor's sample is drawn first, the temperature is
// updated with it, the critics are fitted with the alpha from before that update, then the actor ascends the new critics.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.OffPolicy;

/// <summary>SAC with twin critics and a learned temperature on a vector env with a bounded Box action space.</summary>
public sealed class Sac : IAlgorithm
{
    /// <summary>Checkpoint section of the critics.</summary>
    public const string CriticSection = "q";

    /// <summary>Checkpoint section of the critics' optimizer.</summary>
    public const string CriticOptimizerSection = "optimizer/q";

    /// <summary>Checkpoint section of the temperature's optimizer.</summary>
    public const string AlphaOptimizerSection = "optimizer/alpha";

    private readonly IVectorEnv env;
    private readonly Space observationSpace;
    private readonly int inputSize;
    private readonly int actionSize;
    private readonly ActionScaling scaling;
    private readonly TanhGaussianActor actor;
    private readonly TwinQCritic critic;
    private readonly TwinQCritic criticTarget;
    private readonly IReadOnlyList<Tensor> criticParameters;
    private readonly IReadOnlyList<Tensor> criticTargetParameters;
    private readonly Tensor logAlpha;
    private readonly Adam actorOptimizer;
    private readonly Adam criticOptimizer;
    private readonly Adam alphaOptimizer;
    private readonly ReplayBuffer replay;
    private readonly ActorCriticBatch batch;
    private readonly TanhGaussianBehaviour behaviour;
    private readonly OffPolicyCollector collector;
    private Rng replayRng;
    private Rng updateRng;

    /// <summary>SAC on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice follows from the seed.</summary>
    /// <exception cref="ActionSpaceException">The env's action space is not a bounded Box.</exception>
    /// <exception cref="ArgumentException">A config option is out of range.</exception>
    public Sac(IVectorEnv env, SacConfig config, long seed)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        scaling = ActionScaling.For(env, Name);
        if (env.Count != config.Envs)
            throw new ArgumentException($"sac: SacConfig.Envs is {config.Envs} but the vector env has {env.Count} copies; expected them equal.");
        observationSpace = env.SingleObservationSpace;
        inputSize = QInputs.Size(observationSpace);
        actionSize = scaling.Size;
        TargetEntropy = config.TargetEntropy ?? -actionSize;
        var root = new Rng(seed);
        Rng init = root.Fork(0);
        actor = new TanhGaussianActor(inputSize, actionSize, config.Network, init);
        critic = new TwinQCritic(inputSize, actionSize, config.Network, init);
        criticTarget = new TwinQCritic(inputSize, actionSize, config.Network, init);
        criticTarget.CopyParametersFrom(critic);
        criticParameters = critic.Parameters();
        criticTargetParameters = criticTarget.Parameters();
        logAlpha = Tensor.Full(Math.Log(config.InitialAlpha), DType.Float32, 1);
        logAlpha.RequiresGrad = true;
        var adam = new AdamConfig { LearningRate = config.LearningRate };
        actorOptimizer = new Adam(actor.Parameters(), adam);
        criticOptimizer = new Adam(criticParameters, adam);
        alphaOptimizer = new Adam([logAlpha], adam);
        replay = new ReplayBuffer(config.BufferSize, inputSize, actionSize);
        batch = new ActorCriticBatch(config.BatchSize, inputSize, scaling);
        behaviour = new TanhGaussianBehaviour(actor, scaling, env.Count, config.LearningStarts, root.Fork(1));
        collector = new OffPolicyCollector(env, replay, behaviour, 1, config.Gamma);
        replayRng = root.Fork(2);
        updateRng = root.Fork(3);
        env.Reset(seed);
    }

    /// <summary>The settings.</summary>
    public SacConfig Config { get; }

    /// <summary>The policy network.</summary>
    public TanhGaussianActor Actor => actor;

    /// <summary>The twin critics.</summary>
    public TwinQCritic Critic => critic;

    /// <summary>The target critics.</summary>
    public TwinQCritic TargetCritic => criticTarget;

    /// <summary>The replay buffer.</summary>
    public IReplayBuffer Replay => replay;

    /// <summary>The collection loop.</summary>
    public OffPolicyCollector Collector => collector;

    /// <summary>The temperature alpha.</summary>
    public double Alpha => Math.Exp(logAlpha.Span<float>()[0]);

    /// <summary>The entropy the temperature steers the policy's toward (nats of the normalized action).</summary>
    public double TargetEntropy { get; }

    /// <inheritdoc />
    public string Name => "sac";

    /// <inheritdoc />
    public long EnvSteps => collector.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>Gradient steps taken so far.</summary>
    public long GradientStepCount { get; private set; }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="SacConfig.IterationSteps"/> vector-env steps in rounds of <see cref="SacConfig.TrainFrequency"/>, each
    /// round followed by <see cref="SacConfig.GradientSteps"/> gradient steps once more than LearningStarts env steps are in replay.
    /// </remarks>
    public IReadOnlyDictionary<string, double> Iterate()
    {
        var sums = new double[6];
        int steps = TrainingRounds.Run(collector, Config.IterationSteps, Config.TrainFrequency, Config.GradientSteps, Config.LearningStarts, () => TrainStep(sums));
        Iterations++;
        double Mean(int k) => steps > 0 ? sums[k] / steps : double.NaN;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = collector.MeanEpisodeReturn,
            ["rollout/episodes"] = collector.Episodes,
            ["train/critic_loss"] = Mean(0),
            ["train/actor_loss"] = Mean(1),
            ["train/alpha_loss"] = Mean(2),
            ["train/alpha"] = Alpha,
            ["train/entropy"] = Mean(3),
            ["train/q_mean"] = Mean(4),
            ["train/gradient_steps"] = GradientStepCount,
            ["train/learning_rate"] = actorOptimizer.LearningRate,
        };
    }

    // One gradient step of temperature, critics and actor on a replayed batch; adds the step's critic loss, actor loss,
    // temperature loss, entropy estimate and mean Q(s, a) to the sums.
    private void TrainStep(double[] sums)
    {
        batch.Draw(replay, replayRng);
        using var scope = TensorScope.Begin();
        (Tensor observations, Tensor next, Tensor actions, Tensor rewards, Tensor notDone) = batch.Tensors();

        // The actor's sample at s, for the temperature now and the actor's loss after the critics' step.
        (Tensor action, Tensor logProb) = actor.Sample(observations, updateRng);
        double alpha = Alpha;
        double alphaLoss = double.NaN;
        if (Config.LearnAlpha)
        {
            Tensor temperatureLoss = ActorCriticLosses.Temperature(logAlpha, logProb, TargetEntropy);
            alphaLoss = NonFiniteLossException.Check(Name, Iterations, "temperature loss", temperatureLoss.Item());
            alphaOptimizer.ZeroGrad();
            temperatureLoss.Backward();
            alphaOptimizer.Step();
        }

        Tensor y = ActorCriticLosses.SoftTargets(actor, criticTarget, next, Config.RewardScale * rewards, notDone, alpha, updateRng);
        (Tensor q1, Tensor q2) = critic.Forward(observations, actions);
        Tensor criticLoss = 0.5 * (ActorCriticLosses.Critic(q1, y) + ActorCriticLosses.Critic(q2, y));
        double criticValue = NonFiniteLossException.Check(Name, Iterations, "critic loss", criticLoss.Item());
        criticOptimizer.ZeroGrad();
        criticLoss.Backward();
        criticOptimizer.Step();

        // The actor's gradient flows through the critics' inputs only: their weights are frozen for this graph.
        SetRequiresGrad(criticParameters, false);
        Tensor actorLoss = ActorCriticLosses.SoftActor(critic, observations, action, logProb, alpha);
        double actorValue = NonFiniteLossException.Check(Name, Iterations, "actor loss", actorLoss.Item());
        actorOptimizer.ZeroGrad();
        actorLoss.Backward();
        SetRequiresGrad(criticParameters, true);
        actorOptimizer.Step();

        GradientStepCount++;
        if (GradientStepCount % Config.TargetUpdateInterval == 0) Polyak.Update(criticTargetParameters, criticParameters, Config.Tau);
        sums[0] += criticValue;
        sums[1] += actorValue;
        sums[2] += alphaLoss;
        sums[3] -= logProb.Mean().Item();
        sums[4] += q1.Mean().Item();
    }

    private static void SetRequiresGrad(IReadOnlyList<Tensor> parameters, bool value)
    {
        foreach (Tensor p in parameters) p.RequiresGrad = value;
    }

    /// <summary>The deterministic policy a = scale * tanh(mean(s)) + bias, or samples of the squashed Gaussian from a generator seeded with <paramref name="seed"/>.</summary>
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(InferencePolicy(), deterministic, seed);

    /// <summary>The actor (mean and state-dependent log-std outputs, tanh-squashed onto the Box), as a copy.</summary>
    public InferencePolicy InferencePolicy() => actor.ToInference(observationSpace, scaling);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        InferencePolicy().Save(checkpoint);
        checkpoint.PutModule(CriticSection, critic);
        checkpoint.PutModule(CheckpointSections.TargetQ, criticTarget);
        checkpoint.PutOptimizer(CheckpointSections.Optimizer, actorOptimizer);
        checkpoint.PutOptimizer(CriticOptimizerSection, criticOptimizer);
        checkpoint.PutOptimizer(AlphaOptimizerSection, alphaOptimizer);
        checkpoint.PutRng(CheckpointSections.Rng + "/exploration", behaviour.Rng);
        checkpoint.PutRng(CheckpointSections.Rng + "/replay", replayRng);
        checkpoint.PutRng(CheckpointSections.Rng + "/update", updateRng);
        collector.Save(checkpoint);
        checkpoint.Put(CheckpointSections.Counters, w =>
        {
            w.Write(Iterations);
            w.Write(GradientStepCount);
            w.Write(logAlpha.Span<float>()[0]);
        });
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        checkpoint.ReadPolicy(actor.CopyFrom);
        checkpoint.ReadModule(CriticSection, critic);
        checkpoint.ReadModule(CheckpointSections.TargetQ, criticTarget);
        checkpoint.ReadOptimizer(CheckpointSections.Optimizer, actorOptimizer);
        checkpoint.ReadOptimizer(CriticOptimizerSection, criticOptimizer);
        checkpoint.ReadOptimizer(AlphaOptimizerSection, alphaOptimizer);
        Rng exploration = checkpoint.GetRng(CheckpointSections.Rng + "/exploration");
        Rng replaying = checkpoint.GetRng(CheckpointSections.Rng + "/replay");
        Rng updating = checkpoint.GetRng(CheckpointSections.Rng + "/update");
        collector.Load(checkpoint);
        checkpoint.Read(CheckpointSections.Counters, r =>
        {
            Iterations = r.ReadInt32();
            GradientStepCount = r.ReadInt64();
            logAlpha.Span<float>()[0] = r.ReadSingle();
        });
        behaviour.Rng = exploration;
        replayRng = replaying;
        updateRng = updating;
    }
}
