// QT-Opt (Kalashnikov et al. 2018, "QT-Opt: Scalable Deep Reinforcement Learning for Vision-Based Robotic
// Manipulation"): Q-learning over continuous actions with no actor; every max over actions is a cross-entropy search
// of Q(s, .) over the normalized action box (QCem).
//   act      with probability epsilon a uniformly random action, otherwise a = CEM argmax_a Q1(s, a) (plus optional
//            Gaussian noise), clipped to [-1, 1] and mapped onto the Box; uniformly random actions before
//            LearningStarts; store in replay;
//   targets  a* = CEM argmax_a Q'1(s', a) of the first target critic,
//            y = r + gamma^k (1 - terminated) min(Q'1(s', a*), Q'2(s', a*))           (the paper's clipped double-Q);
//   critics  Q1, Q2 descend mean (Q1(s, a) - y)^2 + mean (Q2(s, a) - y)^2, then the targets Q'1, Q'2 are
//            Polyak-averaged toward them (the paper keeps lagged copies refreshed by separate workers).
// The paper's critics predict a grasp's success probability under a cross-entropy loss; with the unbounded returns
// of the envs here the regression is the squared error, as in DQN and TD3.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.OffPolicy;

/// <summary>QT-Opt on a vector env with a bounded Box action space: twin critics maximized by the cross-entropy method.</summary>
public sealed class QtOpt : IAlgorithm
{
    /// <summary>Checkpoint section of the twin critics.</summary>
    public const string CriticSection = "q";

    /// <summary>Checkpoint section of the critics' optimizer.</summary>
    public const string CriticOptimizerSection = "optimizer/q";

    /// <summary>Why QT-Opt has no <see cref="Common.InferencePolicy"/>, and what to do instead.</summary>
    public const string NoInferencePolicyReason =
        "it has no actor: it acts by maximizing its critic Q(s, a) over the action box with the cross-entropy method at every step, "
        + "so there is no policy network and action head to store under policy/* or to export to ONNX. Evaluate it with `control eval` "
        + "(its checkpoint holds the critics), or distil its actions into a network policy (behaviour cloning on the CEM actions) and export that.";

    private readonly IVectorEnv env;
    private readonly Space observationSpace;
    private readonly int inputSize;
    private readonly int actionSize;
    private readonly ActionScaling scaling;
    private readonly TwinQCritic critic;
    private readonly TwinQCritic criticTarget;
    private readonly IReadOnlyList<Tensor> criticParameters;
    private readonly IReadOnlyList<Tensor> criticTargetParameters;
    private readonly Adam criticOptimizer;
    private readonly ReplayBuffer replay;
    private readonly ActorCriticBatch batch;
    private readonly QCem targetCem;
    private readonly CemBehaviour behaviour;
    private readonly OffPolicyCollector collector;
    private Rng replayRng;
    private Rng updateRng;

    /// <summary>QT-Opt on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice follows from the seed.</summary>
    /// <exception cref="ActionSpaceException">The env's action space is not a bounded Box.</exception>
    /// <exception cref="ArgumentException">A config option is out of range.</exception>
    public QtOpt(IVectorEnv env, QtOptConfig config, long seed)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        scaling = ActionScaling.For(env, Name);
        if (env.Count != config.Envs)
            throw new ArgumentException($"qtopt: QtOptConfig.Envs is {config.Envs} but the vector env has {env.Count} copies; expected them equal.");
        observationSpace = env.SingleObservationSpace;
        inputSize = QInputs.Size(observationSpace);
        actionSize = scaling.Size;
        var root = new Rng(seed);
        Rng init = root.Fork(0);
        critic = new TwinQCritic(inputSize, actionSize, config.Network, init);
        criticTarget = new TwinQCritic(inputSize, actionSize, config.Network, init);
        criticTarget.CopyParametersFrom(critic);
        criticParameters = critic.Parameters();
        criticTargetParameters = criticTarget.Parameters();
        criticOptimizer = new Adam(criticParameters, new AdamConfig { LearningRate = config.LearningRate });
        replay = new ReplayBuffer(config.BufferSize, inputSize, actionSize);
        batch = new ActorCriticBatch(config.BatchSize, inputSize, scaling);
        targetCem = NewCem(config.BatchSize);
        behaviour = new CemBehaviour(critic.Q1, NewCem(env.Count), config.Epsilon, config.NoiseSigma, scaling, env.Count, config.LearningStarts, root.Fork(1));
        collector = new OffPolicyCollector(env, replay, behaviour, 1, config.Gamma);
        replayRng = root.Fork(2);
        updateRng = root.Fork(3);
        env.Reset(seed);
    }

    /// <summary>The settings.</summary>
    public QtOptConfig Config { get; }

    /// <summary>The twin critics.</summary>
    public TwinQCritic Critic => critic;

    /// <summary>The target critics.</summary>
    public TwinQCritic TargetCritic => criticTarget;

    /// <summary>The exploration behaviour.</summary>
    public CemBehaviour Behaviour => behaviour;

    /// <summary>The replay buffer.</summary>
    public IReplayBuffer Replay => replay;

    /// <summary>The collection loop.</summary>
    public OffPolicyCollector Collector => collector;

    /// <inheritdoc />
    public string Name => "qtopt";

    /// <inheritdoc />
    public long EnvSteps => collector.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>Critic gradient steps taken so far.</summary>
    public long GradientStepCount { get; private set; }

    private QCem NewCem(int states) => new(inputSize, actionSize, states, Config.CemSamples, Config.CemElites, Config.CemIterations, Config.CemInitialStd);

    /// <summary>
    /// QT-Opt's TD targets (B, 1), without gradient: a* = CEM argmax_a Q'1(s', a) for the rows of
    /// <paramref name="nextObservations"/> (B, obs; float32), then <paramref name="rewards"/> (B, 1) plus
    /// <paramref name="bootstrap"/> (B, 1: gamma^k (1 - terminated)) times min(Q'1(s', a*), Q'2(s', a*)).
    /// </summary>
    public static Tensor Targets(QCem cem, TwinQCritic targetCritic, Tensor nextObservations, Tensor rewards, Tensor bootstrap, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(cem);
        ArgumentNullException.ThrowIfNull(targetCritic);
        ArgumentNullException.ThrowIfNull(nextObservations);
        using var noGrad = Autograd.NoGrad();
        int b = nextObservations.Dim(0);
        Tensor best = Tensor.Zeros(b, cem.ActionSize);
        cem.Maximize(targetCritic.Q1, nextObservations.Span<float>(), b, rng, best.Span<float>());
        return (rewards + bootstrap * targetCritic.Min(nextObservations, best)).Detach();
    }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="QtOptConfig.IterationSteps"/> vector-env steps in rounds of <see cref="QtOptConfig.TrainFrequency"/>,
    /// each round followed by <see cref="QtOptConfig.GradientSteps"/> critic steps once more than LearningStarts env
    /// steps are in replay.
    /// </remarks>
    public IReadOnlyDictionary<string, double> Iterate()
    {
        double lossSum = 0, qSum = 0, targetSum = 0;
        int steps = TrainingRounds.Run(collector, Config.IterationSteps, Config.TrainFrequency, Config.GradientSteps, Config.LearningStarts, () =>
        {
            (double loss, double q, double y) = TrainStep();
            lossSum += loss;
            qSum += q;
            targetSum += y;
        });
        Iterations++;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = collector.MeanEpisodeReturn,
            ["rollout/episodes"] = collector.Episodes,
            ["train/critic_loss"] = steps > 0 ? lossSum / steps : double.NaN,
            ["train/q_mean"] = steps > 0 ? qSum / steps : double.NaN,
            ["train/target_mean"] = steps > 0 ? targetSum / steps : double.NaN,
            ["train/gradient_steps"] = GradientStepCount,
            ["train/learning_rate"] = criticOptimizer.LearningRate,
        };
    }

    // One critic step on a replayed batch, then the Polyak update of the targets.
    private (double CriticLoss, double MeanQ, double MeanTarget) TrainStep()
    {
        batch.Draw(replay, replayRng);
        using var scope = TensorScope.Begin();
        (Tensor observations, Tensor next, Tensor actions, Tensor rewards, Tensor notDone) = batch.Tensors();

        Tensor y = Targets(targetCem, criticTarget, next, rewards, notDone, updateRng);
        (Tensor q1, Tensor q2) = critic.Forward(observations, actions);
        Tensor criticLoss = ActorCriticLosses.Critic(q1, y) + ActorCriticLosses.Critic(q2, y);
        double criticValue = NonFiniteLossException.Check(Name, Iterations, "critic loss", criticLoss.Item());
        criticOptimizer.ZeroGrad();
        criticLoss.Backward();
        criticOptimizer.Step();
        Polyak.Update(criticTargetParameters, criticParameters, Config.Tau);
        GradientStepCount++;
        return (criticValue, q1.Mean().Item(), y.Mean().Item());
    }

    /// <summary>
    /// The greedy policy argmax_a Q1(s, a) by the cross-entropy method on a copy of the first critic, mapped onto the
    /// Box. Deterministic: the maximizer restarts from <paramref name="seed"/> at every step (one observation, one
    /// action); otherwise it explores as in training (epsilon-greedy, Gaussian noise of NoiseSigma).
    /// </summary>
    public IPolicy Policy(bool deterministic, long seed = 0)
    {
        var q = new QCritic(inputSize, actionSize, Config.Network, new Rng(0));
        q.CopyParametersFrom(critic.Q1);
        return new CemPolicy(q, NewCem(1), observationSpace, scaling, deterministic, seed, Config.Epsilon, Config.NoiseSigma);
    }

    /// <summary>None: QT-Opt has no actor network (see <see cref="NoInferencePolicyReason"/>).</summary>
    /// <exception cref="NoInferencePolicyException">Always.</exception>
    public InferencePolicy InferencePolicy() => throw new NoInferencePolicyException(Name, NoInferencePolicyReason);

    /// <inheritdoc />
    /// <remarks>The critics take the place of the policy/* sections, which record only why there is no inference policy.</remarks>
    public void Save(Checkpoint checkpoint)
    {
        Common.InferencePolicy.SaveAbsence(checkpoint, new NoInferencePolicyException(Name, NoInferencePolicyReason));
        checkpoint.PutModule(CriticSection, critic);
        checkpoint.PutModule(CheckpointSections.TargetQ, criticTarget);
        checkpoint.PutOptimizer(CriticOptimizerSection, criticOptimizer);
        checkpoint.PutRng(CheckpointSections.Rng + "/exploration", behaviour.Rng);
        checkpoint.PutRng(CheckpointSections.Rng + "/replay", replayRng);
        checkpoint.PutRng(CheckpointSections.Rng + "/update", updateRng);
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
        checkpoint.ReadModule(CriticSection, critic);
        checkpoint.ReadModule(CheckpointSections.TargetQ, criticTarget);
        checkpoint.ReadOptimizer(CriticOptimizerSection, criticOptimizer);
        Rng exploration = checkpoint.GetRng(CheckpointSections.Rng + "/exploration");
        Rng replaying = checkpoint.GetRng(CheckpointSections.Rng + "/replay");
        Rng updating = checkpoint.GetRng(CheckpointSections.Rng + "/update");
        collector.Load(checkpoint);
        checkpoint.Read(CheckpointSections.Counters, r =>
        {
            Iterations = r.ReadInt32();
            GradientStepCount = r.ReadInt64();
        });
        behaviour.Rng = exploration;
        replayRng = replaying;
        updateRng = updating;
    }
}
