// SVG(0) (Heess et al. 2015, "Learning Continuous Control Policies by Stochastic Value Gradients", the model-free
// member of the family), learned off-policy from replay:
//   act     sample the reparameterized policy a = tanh(mu(s) + sigma(s) z), z ~ N(0, I), scaled onto the Box
//           (uniformly random actions before LearningStarts), store in replay (n-step returns if NSteps > 1);
//   critic  Q_phi regresses onto y = R + gamma^k (1 - terminated) Q_phi'(s', a'), a' ~ pi(. | s'): the value of the
//           current stochastic policy (an expectation over its actions, not a max, and no entropy term), Q_phi' a
//           Polyak-averaged copy;
//   actor   descends mean_i (c log pi(a_i | s_i) - Q_phi(s_i, a_i)) with a_i = pi(s_i, z_i; theta): the stochastic value
//           gradient dQ/da da/dtheta through the sampled z, plus a fixed entropy bonus c that keeps sigma from collapsing.
// The critic is fitted first, then the actor ascends the new critic with the critic's weights frozen.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.OffPolicy;

/// <summary>SVG(0) with a tanh-Gaussian actor and one Q critic on a vector env with a bounded Box action space.</summary>
public sealed class Svg0 : IAlgorithm
{
    /// <summary>Checkpoint section of the critic.</summary>
    public const string CriticSection = "q";

    /// <summary>Checkpoint section of the critic's optimizer.</summary>
    public const string CriticOptimizerSection = "optimizer/q";

    private readonly Space observationSpace;
    private readonly int inputSize;
    private readonly int actionSize;
    private readonly ActionScaling scaling;
    private readonly TanhGaussianActor actor;
    private readonly QCritic critic;
    private readonly QCritic criticTarget;
    private readonly IReadOnlyList<Tensor> criticParameters;
    private readonly IReadOnlyList<Tensor> criticTargetParameters;
    private readonly Adam actorOptimizer;
    private readonly Adam criticOptimizer;
    private readonly ReplayBuffer replay;
    private readonly ActorCriticBatch batch;
    private readonly TanhGaussianBehaviour behaviour;
    private readonly OffPolicyCollector collector;
    private Rng replayRng;
    private Rng updateRng;

    /// <summary>SVG(0) on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice follows from the seed.</summary>
    /// <exception cref="ActionSpaceException">The env's action space is not a bounded Box.</exception>
    /// <exception cref="ArgumentException">A config option is out of range.</exception>
    public Svg0(IVectorEnv env, Svg0Config config, long seed)
    {
        ArgumentNullException.ThrowIfNull(env);
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        scaling = ActionScaling.For(env, Name);
        if (env.Count != config.Envs)
            throw new ArgumentException($"svg0: Svg0Config.Envs is {config.Envs} but the vector env has {env.Count} copies; expected them equal.");
        observationSpace = env.SingleObservationSpace;
        inputSize = QInputs.Size(observationSpace);
        actionSize = scaling.Size;
        var root = new Rng(seed);
        Rng init = root.Fork(0);
        actor = new TanhGaussianActor(inputSize, actionSize, config.Network, init);
        critic = new QCritic(inputSize, actionSize, config.Network, init);
        criticTarget = new QCritic(inputSize, actionSize, config.Network, init);
        criticTarget.CopyParametersFrom(critic);
        criticParameters = critic.Parameters();
        criticTargetParameters = criticTarget.Parameters();
        var adam = new AdamConfig { LearningRate = config.LearningRate };
        actorOptimizer = new Adam(actor.Parameters(), adam);
        criticOptimizer = new Adam(criticParameters, adam);
        replay = new ReplayBuffer(config.BufferSize, inputSize, actionSize);
        batch = new ActorCriticBatch(config.BatchSize, inputSize, scaling);
        behaviour = new TanhGaussianBehaviour(actor, scaling, env.Count, config.LearningStarts, root.Fork(1));
        collector = new OffPolicyCollector(env, replay, behaviour, config.NSteps, config.Gamma);
        replayRng = root.Fork(2);
        updateRng = root.Fork(3);
        env.Reset(seed);
    }

    /// <summary>The settings.</summary>
    public Svg0Config Config { get; }

    /// <summary>The policy network.</summary>
    public TanhGaussianActor Actor => actor;

    /// <summary>The critic Q_phi.</summary>
    public QCritic Critic => critic;

    /// <summary>The target critic Q_phi'.</summary>
    public QCritic TargetCritic => criticTarget;

    /// <summary>The replay buffer.</summary>
    public IReplayBuffer Replay => replay;

    /// <summary>The collection loop.</summary>
    public OffPolicyCollector Collector => collector;

    /// <inheritdoc />
    public string Name => "svg0";

    /// <inheritdoc />
    public long EnvSteps => collector.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>Gradient steps taken so far.</summary>
    public long GradientStepCount { get; private set; }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="Svg0Config.IterationSteps"/> vector-env steps in rounds of <see cref="Svg0Config.TrainFrequency"/>, each
    /// round followed by <see cref="Svg0Config.GradientSteps"/> gradient steps once more than LearningStarts env steps are in replay.
    /// </remarks>
    public IReadOnlyDictionary<string, double> Iterate()
    {
        var sums = new double[4];
        int steps = TrainingRounds.Run(collector, Config.IterationSteps, Config.TrainFrequency, Config.GradientSteps, Config.LearningStarts, () => TrainStep(sums));
        Iterations++;
        double Mean(int k) => steps > 0 ? sums[k] / steps : double.NaN;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = collector.MeanEpisodeReturn,
            ["rollout/episodes"] = collector.Episodes,
            ["train/critic_loss"] = Mean(0),
            ["train/actor_loss"] = Mean(1),
            ["train/entropy"] = Mean(2),
            ["train/q_mean"] = Mean(3),
            ["train/gradient_steps"] = GradientStepCount,
            ["train/learning_rate"] = actorOptimizer.LearningRate,
        };
    }

    // One gradient step of critic and actor on a replayed batch; adds the critic loss, the actor loss, the entropy
    // estimate and mean Q(s, a) to the sums.
    private void TrainStep(double[] sums)
    {
        batch.Draw(replay, replayRng);
        using var scope = TensorScope.Begin();
        (Tensor observations, Tensor next, Tensor actions, Tensor rewards, Tensor notDone) = batch.Tensors();

        Tensor y = ActorCriticLosses.PolicyTargets(actor, criticTarget, next, rewards, notDone, updateRng);
        Tensor q = critic.Forward(observations, actions);
        Tensor criticLoss = ActorCriticLosses.Critic(q, y);
        double criticValue = NonFiniteLossException.Check(Name, Iterations, "critic loss", criticLoss.Item());
        criticOptimizer.ZeroGrad();
        criticLoss.Backward();
        criticOptimizer.Step();

        // The actor's gradient flows through the critic's action input only: its weights are frozen for this graph.
        (Tensor action, Tensor logProb) = actor.Sample(observations, updateRng);
        SetRequiresGrad(criticParameters, false);
        Tensor actorLoss = ActorCriticLosses.StochasticValueGradient(critic, observations, action, logProb, Config.EntropyCoefficient);
        double actorValue = NonFiniteLossException.Check(Name, Iterations, "actor loss", actorLoss.Item());
        actorOptimizer.ZeroGrad();
        actorLoss.Backward();
        SetRequiresGrad(criticParameters, true);
        actorOptimizer.Step();

        GradientStepCount++;
        Polyak.Update(criticTargetParameters, criticParameters, Config.Tau);
        sums[0] += criticValue;
        sums[1] += actorValue;
        sums[2] -= logProb.Mean().Item();
        sums[3] += q.Mean().Item();
    }

    private static void SetRequiresGrad(IReadOnlyList<Tensor> parameters, bool value)
    {
        foreach (Tensor p in parameters) p.RequiresGrad = value;
    }

    /// <summary>The deterministic policy a = scale * tanh(mu(s)) + bias, or samples of the squashed Gaussian from a generator seeded with <paramref name="seed"/>.</summary>
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
        checkpoint.ReadPolicy(actor.CopyFrom);
        checkpoint.ReadModule(CriticSection, critic);
        checkpoint.ReadModule(CheckpointSections.TargetQ, criticTarget);
        checkpoint.ReadOptimizer(CheckpointSections.Optimizer, actorOptimizer);
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
