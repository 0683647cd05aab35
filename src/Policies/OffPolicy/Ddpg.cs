// Deep Deterministic Policy Gradient (Lillicrap et al. 2016, "Continuous control with deep reinforcement learning"):
// the deterministic policy gradient (Silver et al. 2014) with DQN's replay and target networks.
//   act        mu(s) plus Gaussian or Ornstein-Uhlenbeck noise, clipped to the Box (uniformly random actions before
//              LearningStarts), store in replay;
//   critic     Q regresses onto y = r + gamma (1 - terminated) Q'(s', mu'(s'));
//   actor      ascend Q(s, mu(s)) by the deterministic policy gradient; Polyak-average both targets after each step.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.OffPolicy;

/// <summary>DDPG on a vector env with a bounded Box action space.</summary>
public sealed class Ddpg : IAlgorithm
{
    private readonly IVectorEnv env;
    private readonly Space observationSpace;
    private readonly int inputSize;
    private readonly int actionSize;
    private readonly ActionScaling scaling;
    private readonly DeterministicActor actor;
    private readonly DeterministicActor actorTarget;
    private readonly QCritic critic;
    private readonly QCritic criticTarget;
    private readonly IReadOnlyList<Tensor> actorParameters;
    private readonly IReadOnlyList<Tensor> actorTargetParameters;
    private readonly IReadOnlyList<Tensor> criticParameters;
    private readonly IReadOnlyList<Tensor> criticTargetParameters;
    private readonly Adam actorOptimizer;
    private readonly Adam criticOptimizer;
    private readonly ReplayBuffer replay;
    private readonly ActorCriticBatch batch;
    private readonly ContinuousBehaviour behaviour;
    private readonly OffPolicyCollector collector;
    private Rng replayRng;

    /// <summary>DDPG on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice follows from the seed.</summary>
    /// <exception cref="ActionSpaceException">The env's action space is not a bounded Box.</exception>
    /// <exception cref="ArgumentException">A config option is out of range.</exception>
    public Ddpg(IVectorEnv env, DdpgConfig config, long seed)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        scaling = ActionScaling.For(env, Name);
        if (env.Count != config.Envs)
            throw new ArgumentException($"ddpg: DdpgConfig.Envs is {config.Envs} but the vector env has {env.Count} copies; expected them equal.");
        observationSpace = env.SingleObservationSpace;
        inputSize = QInputs.Size(observationSpace);
        actionSize = scaling.Size;
        var root = new Rng(seed);
        Rng init = root.Fork(0);
        actor = new DeterministicActor(inputSize, actionSize, config.Network, init);
        actorTarget = new DeterministicActor(inputSize, actionSize, config.Network, init);
        critic = new QCritic(inputSize, actionSize, config.Network, init);
        criticTarget = new QCritic(inputSize, actionSize, config.Network, init);
        actorTarget.CopyParametersFrom(actor);
        criticTarget.CopyParametersFrom(critic);
        actorParameters = actor.Parameters();
        actorTargetParameters = actorTarget.Parameters();
        criticParameters = critic.Parameters();
        criticTargetParameters = criticTarget.Parameters();
        var adam = new AdamConfig { LearningRate = config.LearningRate };
        actorOptimizer = new Adam(actorParameters, adam);
        criticOptimizer = new Adam(criticParameters, adam);
        replay = new ReplayBuffer(config.BufferSize, inputSize, actionSize);
        batch = new ActorCriticBatch(config.BatchSize, inputSize, scaling);
        behaviour = ContinuousBehaviour.Around(actor, config.Noise, config.NoiseSigma, config.NoiseTheta, config.NoiseDt, scaling, env.Count, config.LearningStarts, root.Fork(1));
        collector = new OffPolicyCollector(env, replay, behaviour, 1, config.Gamma);
        replayRng = root.Fork(2);
        env.Reset(seed);
    }

    /// <summary>The settings.</summary>
    public DdpgConfig Config { get; }

    /// <summary>The deterministic policy.</summary>
    public DeterministicActor Actor => actor;

    /// <summary>The target policy.</summary>
    public DeterministicActor TargetActor => actorTarget;

    /// <summary>The critic.</summary>
    public QCritic Critic => critic;

    /// <summary>The target critic.</summary>
    public QCritic TargetCritic => criticTarget;

    /// <summary>The exploration behaviour.</summary>
    public ContinuousBehaviour Behaviour => behaviour;

    /// <summary>The replay buffer.</summary>
    public IReplayBuffer Replay => replay;

    /// <summary>The collection loop.</summary>
    public OffPolicyCollector Collector => collector;

    /// <inheritdoc />
    public string Name => "ddpg";

    /// <inheritdoc />
    public long EnvSteps => collector.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>Gradient steps taken so far.</summary>
    public long GradientStepCount { get; private set; }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="DdpgConfig.IterationSteps"/> vector-env steps in rounds of <see cref="DdpgConfig.TrainFrequency"/>, each
    /// round followed by <see cref="DdpgConfig.GradientSteps"/> critic and actor steps once more than LearningStarts
    /// env steps are in replay.
    /// </remarks>
    public IReadOnlyDictionary<string, double> Iterate()
    {
        double criticSum = 0, actorSum = 0, qSum = 0;
        int actorSteps = 0;
        int steps = TrainingRounds.Run(collector, Config.IterationSteps, Config.TrainFrequency, Config.GradientSteps, Config.LearningStarts, () =>
        {
            (double criticLoss, double q, double? actorLoss) = TrainStep();
            criticSum += criticLoss;
            qSum += q;
            if (actorLoss is not double a) return;
            actorSum += a;
            actorSteps++;
        });
        Iterations++;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = collector.MeanEpisodeReturn,
            ["rollout/episodes"] = collector.Episodes,
            ["train/critic_loss"] = steps > 0 ? criticSum / steps : double.NaN,
            ["train/actor_loss"] = actorSteps > 0 ? actorSum / actorSteps : double.NaN,
            ["train/q_mean"] = steps > 0 ? qSum / steps : double.NaN,
            ["train/gradient_steps"] = GradientStepCount,
            ["train/learning_rate"] = actorOptimizer.LearningRate,
        };
    }

    // One critic and one actor step on a replayed batch, then the target updates.
    private (double CriticLoss, double MeanQ, double? ActorLoss) TrainStep()
    {
        batch.Draw(replay, replayRng);
        using var scope = TensorScope.Begin();
        (Tensor observations, Tensor next, Tensor actions, Tensor rewards, Tensor notDone) = batch.Tensors();

        Tensor y = ActorCriticLosses.SmoothedTargets(actorTarget, criticTarget, null, next, rewards, notDone, 0, 0, null);
        Tensor q = critic.Forward(observations, actions);
        Tensor criticLoss = ActorCriticLosses.Critic(q, y);
        double criticValue = NonFiniteLossException.Check(Name, Iterations, "critic loss", criticLoss.Item());
        criticOptimizer.ZeroGrad();
        criticLoss.Backward();
        criticOptimizer.Step();

        // The actor's gradient flows through the critic's input only: its weights are frozen for this graph.
        foreach (Tensor p in criticParameters) p.RequiresGrad = false;
        Tensor actorLoss = ActorCriticLosses.DeterministicActor(actor, critic, observations);
        double actorValue = NonFiniteLossException.Check(Name, Iterations, "actor loss", actorLoss.Item());
        actorOptimizer.ZeroGrad();
        actorLoss.Backward();
        foreach (Tensor p in criticParameters) p.RequiresGrad = true;
        actorOptimizer.Step();
        Polyak.Update(criticTargetParameters, criticParameters, Config.Tau);
        Polyak.Update(actorTargetParameters, actorParameters, Config.Tau);
        GradientStepCount++;
        return (criticValue, q.Mean().Item(), actorValue);
    }

    /// <summary>The deterministic policy a = scale * tanh(u(s)) + bias, or with the exploration noise's Gaussian (sigma) drawn from a generator seeded with <paramref name="seed"/>.</summary>
    public IPolicy Policy(bool deterministic, long seed = 0) => deterministic
        ? new PolicyActor(InferencePolicy(), true, seed)
        : new NoisyPolicy(InferencePolicy(), Config.NoiseSigma, seed);

    /// <summary>The actor (tanh-squashed onto the Box), as a copy.</summary>
    public InferencePolicy InferencePolicy() => actor.ToInference(observationSpace, scaling);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        InferencePolicy().Save(checkpoint);
        checkpoint.PutModule(DeterministicActorCheckpoint.TargetActorSection, actorTarget);
        checkpoint.PutModule(DeterministicActorCheckpoint.CriticSection, critic);
        checkpoint.PutModule(CheckpointSections.TargetQ, criticTarget);
        checkpoint.PutOptimizer(CheckpointSections.Optimizer, actorOptimizer);
        checkpoint.PutOptimizer(DeterministicActorCheckpoint.CriticOptimizerSection, criticOptimizer);
        checkpoint.PutRng(CheckpointSections.Rng + "/exploration", behaviour.Rng);
        checkpoint.Put(DeterministicActorCheckpoint.BehaviourSection, behaviour.Write);
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
        checkpoint.ReadPolicy(actor.CopyFrom);
        checkpoint.ReadModule(DeterministicActorCheckpoint.TargetActorSection, actorTarget);
        checkpoint.ReadModule(DeterministicActorCheckpoint.CriticSection, critic);
        checkpoint.ReadModule(CheckpointSections.TargetQ, criticTarget);
        checkpoint.ReadOptimizer(CheckpointSections.Optimizer, actorOptimizer);
        checkpoint.ReadOptimizer(DeterministicActorCheckpoint.CriticOptimizerSection, criticOptimizer);
        Rng exploration = checkpoint.GetRng(CheckpointSections.Rng + "/exploration");
        checkpoint.Read(DeterministicActorCheckpoint.BehaviourSection, behaviour.Read);
        Rng replaying = checkpoint.GetRng(CheckpointSections.Rng + "/replay");
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
