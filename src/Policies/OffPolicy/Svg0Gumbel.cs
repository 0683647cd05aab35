// SVG(0) for Discrete actions through the Gumbel-softmax relaxation (Jang et al. 2017, "Categorical
// Reparameterization with Gumbel-Softmax"; Maddison et al. 2017, "The Concrete Distribution"), learned off-policy with
// SAC's twin critics and learned entropy temperature in their Discrete form (Christodoulou 2019, "Soft Actor-Critic for
// Discrete Action Settings"); the actor's gradient stays SVG(0)'s pathwise one, through the relaxed sample into Q:
//   act     sample the categorical pi(. | s) = softmax(logits(s)) (uniformly random actions before LearningStarts),
//           store the action index in replay (n-step returns if NSteps > 1);
//   temperature  alpha = exp(log alpha), log alpha descends mean_i log alpha (H(pi(. | s_i)) - target), target a
//           fraction of log K, H exact (skipped when the weight is fixed);
//   critics Q_1, Q_2 (s, onehot(a)) regress onto y = R + gamma^k (1 - terminated) sum_a' pi(a' | s') (min_j Q'_j(s', onehot(a'))
//           - alpha log pi(a' | s')), the expectation under the current policy computed exactly over the K actions
//           (K evaluations of each target critic, no sampling noise), the entropy term only with SoftTargets, Q'_j
//           Polyak-averaged copies;
//   actor   descends mean_i (-min_j Q_j(s_i, y_i) - alpha H(pi(. | s_i))), y_i = softmax((logits(s_i) + g_i) / tau),
//           g ~ Gumbel(0, 1): one-hot in value and the relaxed sample's gradient backward when straight-through.
// The deterministic policy is argmax_a logits(s)_a. Within a gradient step, as in Sac: the temperature is updated first,
// the critics are fitted with the alpha from before that update, then the actor ascends the new critics with their
// weights frozen.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Distributions;
using Control.Tensors.Optim;

namespace Control.Policies.OffPolicy;

/// <summary>SVG(0) with a Gumbel-softmax actor, twin Q critics on the one-hot action and a learned entropy temperature, on a vector env with a Discrete action space.</summary>
public sealed class Svg0Gumbel : IAlgorithm
{
    /// <summary>Checkpoint section of the critics.</summary>
    public const string CriticSection = "q";

    /// <summary>Checkpoint section of the critics' optimizer.</summary>
    public const string CriticOptimizerSection = "optimizer/q";

    /// <summary>Checkpoint section of the temperature's optimizer.</summary>
    public const string AlphaOptimizerSection = "optimizer/alpha";

    private readonly Space observationSpace;
    private readonly int inputSize;
    private readonly int actionCount;
    private readonly CategoricalActor actor;
    private readonly TwinQCritic critic;
    private readonly TwinQCritic criticTarget;
    private readonly IReadOnlyList<Tensor> criticParameters;
    private readonly IReadOnlyList<Tensor> criticTargetParameters;
    private readonly Tensor logAlpha;
    private readonly Adam actorOptimizer;
    private readonly Adam criticOptimizer;
    private readonly Adam alphaOptimizer;
    private readonly ReplayBuffer replay;
    private readonly ReplayBatch batch;
    private readonly int[] batchActions;
    private readonly float[] bootstrap;
    private readonly CategoricalBehaviour behaviour;
    private readonly OffPolicyCollector collector;
    private Rng replayRng;
    private Rng updateRng;

    /// <summary>SVG(0) with Gumbel-softmax on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice follows from the seed.</summary>
    /// <exception cref="ActionSpaceException">The env's action space is not Discrete.</exception>
    /// <exception cref="ArgumentException">A config option is out of range.</exception>
    public Svg0Gumbel(IVectorEnv env, Svg0GumbelConfig config, long seed)
    {
        ArgumentNullException.ThrowIfNull(env);
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        if (env.SingleActionSpace is not Discrete discrete)
        {
            throw new ActionSpaceException(Name,
                "a Discrete action space (the policy's logits are relaxed by Gumbel-softmax; for Box actions use svg0)", env.SingleActionSpace, env.Name);
        }
        if (env.Count != config.Envs)
            throw new ArgumentException($"svg0-gumbel: Svg0GumbelConfig.Envs is {config.Envs} but the vector env has {env.Count} copies; expected them equal.");
        observationSpace = env.SingleObservationSpace;
        inputSize = QInputs.Size(observationSpace);
        actionCount = discrete.N;
        var root = new Rng(seed);
        Rng init = root.Fork(0);
        actor = new CategoricalActor(inputSize, actionCount, config.Network, init);
        critic = new TwinQCritic(inputSize, actionCount, config.Network, init);
        criticTarget = new TwinQCritic(inputSize, actionCount, config.Network, init);
        criticTarget.CopyParametersFrom(critic);
        criticParameters = critic.Parameters();
        criticTargetParameters = criticTarget.Parameters();
        TargetEntropy = config.TargetEntropyFraction * Math.Log(actionCount);
        // A fixed weight of 0 has no log; it stays 0 through Alpha.
        logAlpha = Tensor.Full(config.EntropyCoefficient > 0 ? Math.Log(config.EntropyCoefficient) : double.NegativeInfinity, DType.Float32, 1);
        logAlpha.RequiresGrad = true;
        var adam = new AdamConfig { LearningRate = config.LearningRate };
        actorOptimizer = new Adam(actor.Parameters(), adam);
        criticOptimizer = new Adam(criticParameters, adam);
        alphaOptimizer = new Adam([logAlpha], adam);
        // A Discrete action is stored as one float, its index.
        replay = new ReplayBuffer(config.BufferSize, inputSize, 1);
        batch = new ReplayBatch(config.BatchSize, inputSize, 1);
        batchActions = new int[config.BatchSize];
        bootstrap = new float[config.BatchSize];
        behaviour = new CategoricalBehaviour(actor, env.Count, config.LearningStarts, root.Fork(1));
        collector = new OffPolicyCollector(env, replay, behaviour, config.NSteps, config.Gamma);
        replayRng = root.Fork(2);
        updateRng = root.Fork(3);
        env.Reset(seed);
    }

    /// <summary>The settings.</summary>
    public Svg0GumbelConfig Config { get; }

    /// <summary>The policy network (logits).</summary>
    public CategoricalActor Actor => actor;

    /// <summary>The twin critics Q_j(s, onehot(a)).</summary>
    public TwinQCritic Critic => critic;

    /// <summary>The target critics Q'_j.</summary>
    public TwinQCritic TargetCritic => criticTarget;

    /// <summary>The entropy weight alpha.</summary>
    public double Alpha => Math.Exp(logAlpha.Span<float>()[0]);

    /// <summary>The entropy the temperature steers the policy's toward, <see cref="Svg0GumbelConfig.TargetEntropyFraction"/> log K nats.</summary>
    public double TargetEntropy { get; }

    /// <summary>The replay buffer.</summary>
    public IReplayBuffer Replay => replay;

    /// <summary>The collection loop.</summary>
    public OffPolicyCollector Collector => collector;

    /// <inheritdoc />
    public string Name => "svg0-gumbel";

    /// <inheritdoc />
    public long EnvSteps => collector.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>Gradient steps taken so far.</summary>
    public long GradientStepCount { get; private set; }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="Svg0GumbelConfig.IterationSteps"/> vector-env steps in rounds of <see cref="Svg0GumbelConfig.TrainFrequency"/>, each
    /// round followed by <see cref="Svg0GumbelConfig.GradientSteps"/> gradient steps once more than LearningStarts env steps are in replay.
    /// </remarks>
    public IReadOnlyDictionary<string, double> Iterate()
    {
        var sums = new double[5];
        int steps = TrainingRounds.Run(collector, Config.IterationSteps, Config.TrainFrequency, Config.GradientSteps, Config.LearningStarts, () => TrainStep(sums));
        Iterations++;
        double Mean(int k) => steps > 0 ? sums[k] / steps : double.NaN;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = collector.MeanEpisodeReturn,
            ["rollout/episodes"] = collector.Episodes,
            ["train/critic_loss"] = Mean(0),
            ["train/actor_loss"] = Mean(1),
            ["train/alpha_loss"] = Mean(4),
            ["train/alpha"] = Alpha,
            ["train/entropy"] = Mean(2),
            ["train/q_mean"] = Mean(3),
            ["train/gradient_steps"] = GradientStepCount,
            ["train/learning_rate"] = actorOptimizer.LearningRate,
        };
    }

    // One gradient step of temperature, critics and actor on a replayed batch; adds the critic loss, the actor loss,
    // the policy's entropy, mean Q_1(s, a) and the temperature loss to the sums.
    private void TrainStep(double[] sums)
    {
        replay.Sample(replayRng, batch);
        int b = batch.Size;
        // Stored actions are action indices as floats, exact below 2^24.
        for (int i = 0; i < b; i++)
        {
            batchActions[i] = (int)batch.Actions[i];
            bootstrap[i] = batch.Discounts[i] * (1f - batch.Terminated[i]);
        }
        using var scope = TensorScope.Begin();
        Tensor observations = Tensor.FromArray(batch.Observations, b, inputSize);
        Tensor next = Tensor.FromArray(batch.NextObservations, b, inputSize);
        Tensor actions = CategoricalActor.OneHot(batchActions, actionCount);
        Tensor rewards = Tensor.FromArray(batch.Rewards, b, 1);
        Tensor notDone = Tensor.FromArray(bootstrap, b, 1);

        double alpha = Alpha;
        double alphaLoss = double.NaN;
        Tensor entropy;
        using (Autograd.NoGrad()) entropy = new Categorical(actor.Forward(observations)).Entropy();
        if (Config.LearnEntropyCoefficient)
        {
            Tensor temperatureLoss = ActorCriticLosses.DiscreteTemperature(logAlpha, entropy, TargetEntropy);
            alphaLoss = NonFiniteLossException.Check(Name, Iterations, "temperature loss", temperatureLoss.Item());
            alphaOptimizer.ZeroGrad();
            temperatureLoss.Backward();
            alphaOptimizer.Step();
        }

        Tensor y = ActorCriticLosses.ExpectedTargets(actor, criticTarget, next, rewards, notDone, Config.SoftTargets ? alpha : 0);
        (Tensor q1, Tensor q2) = critic.Forward(observations, actions);
        Tensor criticLoss = 0.5 * (ActorCriticLosses.Critic(q1, y) + ActorCriticLosses.Critic(q2, y));
        double criticValue = NonFiniteLossException.Check(Name, Iterations, "critic loss", criticLoss.Item());
        criticOptimizer.ZeroGrad();
        criticLoss.Backward();
        criticOptimizer.Step();

        // The actor's gradient flows through the critics' action input only: their weights are frozen for this graph.
        SetRequiresGrad(criticParameters, false);
        Tensor actorLoss = ActorCriticLosses.GumbelSoftmaxActor(actor, critic, observations, Config.Temperature, alpha, updateRng, Config.StraightThrough);
        double actorValue = NonFiniteLossException.Check(Name, Iterations, "actor loss", actorLoss.Item());
        actorOptimizer.ZeroGrad();
        actorLoss.Backward();
        SetRequiresGrad(criticParameters, true);
        actorOptimizer.Step();

        GradientStepCount++;
        Polyak.Update(criticTargetParameters, criticParameters, Config.Tau);
        sums[0] += criticValue;
        sums[1] += actorValue;
        sums[2] += entropy.Mean().Item();
        sums[3] += q1.Mean().Item();
        sums[4] += alphaLoss;
    }

    private static void SetRequiresGrad(IReadOnlyList<Tensor> parameters, bool value)
    {
        foreach (Tensor p in parameters) p.RequiresGrad = value;
    }

    /// <summary>The deterministic policy argmax_a logits(s)_a, or samples of the categorical from a generator seeded with <paramref name="seed"/>.</summary>
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(InferencePolicy(), deterministic, seed);

    /// <summary>The actor (logits, argmax head), as a copy.</summary>
    public InferencePolicy InferencePolicy() => actor.ToInference(observationSpace);

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
