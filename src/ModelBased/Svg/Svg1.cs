// SVG(1) and SVG(1)-ER (Heess et al. 2015, "Learning Continuous Control Policies by Stochastic Value Gradients",
// algorithms 2 and 3; the lecture notes "End-to-end Model Based Reinforcement Learning"). Instead of a Q function it
// learns a state value V ~ V^pi and a dynamics model f with s' = f(s, a) + zeta, and values an action by one step of
// the model: Q(s, a) = r(s, a) + gamma V(f(s, a) + zeta). Each iteration:
//   act       IterationSteps env steps with a = pi(s, eta), eta ~ N(0, I) (uniform random actions for the first
//             RandomSteps), recording eta and log mu(a | s) of the acting policy;
//   model     every ModelFitInterval env steps, refit f on every transition (continuing from its weights);
//   update    GradientSteps times, on a batch of transitions (SVG(1): of this iteration; SVG(1)-ER: of the whole replay, or of
//             its last ReplayWindow transitions):
//             zeta = s' - f(s, a) under the current model, eta the noise inferred from the recorded action under the
//             policy that acted; weights w = min(pi(a | s) / mu(a | s), MaxImportanceWeight) for SVG(1)-ER, 1 for SVG(1);
//             V descends mean w (V(s) - (c r + gamma (1 - terminal) V'(s')))^2 (V' a Polyak-averaged copy): V^pi from the
//             behaviour's actions needs the weights;
//             the policy ascends mean [c r(s, pi(s, eta; theta)) + gamma (1 - terminal) V(f(s, pi(s, eta; theta)) + zeta)]
//             + alpha mean(-log pi) through the fixed eta and zeta, r = -l the env's cost, c the RewardScale;
//             alpha is EntropyCoefficient, or, with a TargetEntropy, learned as SAC's temperature: log alpha descends
//             -log alpha (log pi(a | s) + target) at the policy's samples before its step.
// Two choices differ from the paper's algorithm 3, which infers eta under the current policy and weights the policy's
// gradient too. Inferred under the current policy, eta rebuilds the recorded action whatever theta is, so every step
// is the same linearization at old actions: measured on the pendulum, the policy then ran into the squash's
// saturation and the weights fell to 2e-4 within 6,000 steps. With the acting eta frozen, pi(s, eta; theta) is a
// sample of the current policy at a replayed state (eta ~ N(0, I) does not depend on theta), so the policy's
// gradient needs no weight, as the actor updates of SAC and DDPG on replayed states take none.
// The policy and V read the robot's state (its angles as sine and cosine), not the env's observation.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Dynamics;
using Control.Dynamics.Learned;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.ModelBased.Svg;

/// <summary>SVG(1), or SVG(1)-ER with <see cref="Svg1Config.ExperienceReplay"/>, on one env with a state and a differentiable cost.</summary>
public sealed class Svg1 : IAlgorithm
{
    private readonly Svg1Config config;
    private readonly DifferentiableCost cost;
    private readonly MlpDynamics model;
    private readonly SvgActor actor;
    private readonly SvgValue value;
    private readonly SvgValue valueTarget;
    private readonly IReadOnlyList<Tensor> valueParameters;
    private readonly Adam actorOptimizer;
    private readonly Adam valueOptimizer;
    private readonly Tensor logAlpha;
    private readonly Adam? alphaOptimizer;
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);
    private readonly SvgReplay replay;
    private readonly SvgCollector collector;
    private readonly int n, m;
    // One gradient step's batch, allocated once: states, actions, next states and acting noises, rewards, discounts,
    // behaviour and current log-densities, importance weights, and the noises inferred under the current policy.
    private readonly double[] batchStates, batchActions, batchNextStates, batchNoises, batchInferred;
    private readonly double[] batchRewards, batchDiscounts, batchBehaviour, batchLogProbs, batchWeights;
    private Rng sampleRng;
    private long lastFitSteps;

    /// <summary>SVG(1) on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice follows from the seed.</summary>
    /// <exception cref="ArgumentException">The env has no state or differentiable cost, its actions are not a bounded Box, or an option is out of range.</exception>
    public Svg1(IEnv env, Svg1Config config, long seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        this.config = config;
        (IStatefulEnv stateful, Core.Models.ICost envCost, Box bounds) = SvgChecks.Env(env, Name);
        n = stateful.StateSize;
        m = bounds.FlatSize;
        cost = new DifferentiableCost(envCost);
        var root = new Rng(seed);
        Rng init = root.Fork(0);
        model = new MlpDynamics(n, m, bounds, config.Model with { Seed = seed, PeriodicStates = config.PeriodicStates });
        actor = new SvgActor(n, bounds, config.PeriodicStates, config.Hidden, config.Activation, init, config.AngleFeaturesOnly);
        value = new SvgValue(n, config.PeriodicStates, config.Hidden, config.Activation, init, config.AngleFeaturesOnly);
        valueTarget = new SvgValue(n, config.PeriodicStates, config.Hidden, config.Activation, init, config.AngleFeaturesOnly);
        valueParameters = value.Parameters();
        Polyak.Update(valueTarget.Parameters(), valueParameters, 1.0);
        actorOptimizer = new Adam(actor.Parameters(), new AdamConfig { LearningRate = config.PolicyLearningRate });
        valueOptimizer = new Adam(valueParameters, new AdamConfig { LearningRate = config.ValueLearningRate });
        using (TensorScope.Suspend()) logAlpha = Tensor.Full(Math.Log(config.EntropyCoefficient), DType.Float64, 1);
        if (config.TargetEntropy is not null)
        {
            logAlpha.RequiresGrad = true;
            alphaOptimizer = new Adam([logAlpha], new AdamConfig { LearningRate = config.EntropyLearningRate });
        }
        replay = new SvgReplay(n, m);
        collector = new SvgCollector(env, stateful, actor, replay, config.RandomSteps, root.Fork(1), seed);
        sampleRng = root.Fork(2);
        int size = config.BatchSize;
        (batchStates, batchNextStates) = (new double[size * n], new double[size * n]);
        (batchActions, batchNoises, batchInferred) = (new double[size * m], new double[size * m], new double[size * m]);
        (batchRewards, batchDiscounts, batchBehaviour, batchLogProbs, batchWeights) = (new double[size], new double[size], new double[size], new double[size], new double[size]);
    }

    /// <inheritdoc />
    public string Name => config.ExperienceReplay ? "svg1-er" : "svg1";

    /// <summary>The settings.</summary>
    public Svg1Config Config => config;

    /// <summary>The policy.</summary>
    public SvgActor Actor => actor;

    /// <summary>The state-value function.</summary>
    public SvgValue Value => value;

    /// <summary>The learned dynamics model.</summary>
    public MlpDynamics Model => model;

    /// <summary>The entropy weight alpha: <see cref="Svg1Config.EntropyCoefficient"/>, or its learned value with a <see cref="Svg1Config.TargetEntropy"/>.</summary>
    public double EntropyWeight => config.TargetEntropy is null ? config.EntropyCoefficient : Math.Exp(logAlpha.Span<double>()[0]);

    /// <summary>The recorded transitions.</summary>
    public SvgReplay Replay => replay;

    /// <inheritdoc />
    public long EnvSteps => collector.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <inheritdoc />
    public PolicyInput Input => PolicyInput.State;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Iterate()
    {
        int before = replay.Count;
        collector.Collect(config.IterationSteps);
        double modelLoss = double.NaN;
        var sums = new double[5];
        int steps = 0;
        if (collector.EnvSteps >= config.RandomSteps)
        {
            modelLoss = replay.RefitIfDue(model, collector.EnvSteps, config.ModelFitInterval, ref lastFitSteps);
            (int first, int count) = UpdateRows(before);
            for (int g = 0; g < config.GradientSteps; g++, steps++) TrainStep(first, count, sums);
        }
        Iterations++;
        double Mean(int k) => steps > 0 ? sums[k] / steps : double.NaN;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = collector.MeanEpisodeReturn,
            ["rollout/episodes"] = collector.EpisodeCount,
            ["train/value_loss"] = Mean(0),
            ["train/policy_objective"] = Mean(1),
            ["train/entropy"] = Mean(2),
            ["train/importance_weight"] = Mean(3),
            ["train/entropy_weight"] = EntropyWeight,
            ["train/entropy_weight_loss"] = alphaOptimizer is null ? double.NaN : Mean(4),
            ["train/model_holdout_mse"] = modelLoss,
        };
    }

    /// <summary>
    /// The replay rows [First, First + Count) an iteration's batches are drawn from: for SVG(1) the iteration's own, from
    /// <paramref name="iterationStart"/>; for SVG(1)-ER the whole replay, or its last <see cref="Svg1Config.ReplayWindow"/> rows.
    /// </summary>
    internal (int First, int Count) UpdateRows(int iterationStart)
    {
        int first = !config.ExperienceReplay ? iterationStart
            : config.ReplayWindow > 0 ? Math.Max(0, replay.Count - config.ReplayWindow) : 0;
        return (first, replay.Count - first);
    }

    // One value step and one policy step on a batch drawn from rows [first, first + count) of the replay.
    private void TrainStep(int first, int count, double[] sums)
    {
        int b = config.BatchSize;
        (double[] s, double[] a, double[] next, double[] eta) = (batchStates, batchActions, batchNextStates, batchNoises);
        (double[] r, double[] discount, double[] behaviour, double[] logProb, double[] w) = (batchRewards, batchDiscounts, batchBehaviour, batchLogProbs, batchWeights);
        for (int i = 0; i < b; i++)
        {
            int row = first + sampleRng.NextInt(count);
            replay.States.Slice(row * n, n).CopyTo(s.AsSpan(i * n));
            replay.Actions.Slice(row * m, m).CopyTo(a.AsSpan(i * m));
            replay.Noises.Slice(row * m, m).CopyTo(eta.AsSpan(i * m));
            replay.NextStates.Slice(row * n, n).CopyTo(next.AsSpan(i * n));
            r[i] = config.RewardScale * replay.Rewards[row];
            discount[i] = replay.Terminated[row] ? 0 : config.Gamma;
            behaviour[i] = replay.BehaviourLogProbs[row];
        }
        if (config.ExperienceReplay) actor.InferNoise(s, a, batchInferred, logProb);
        double[] zeta = SvgObjectives.ModelNoise(model, s, a, next, b);
        for (int i = 0; i < b; i++) w[i] = config.ExperienceReplay ? Math.Min(Math.Exp(logProb[i] - behaviour[i]), config.MaxImportanceWeight) : 1.0;

        using var scope = TensorScope.Begin();
        Tensor states = Tensor.FromArray(s, b, n);
        Tensor weights = Tensor.FromArray(w, b, 1);
        Tensor discounts = Tensor.FromArray(discount, b, 1);
        Tensor targets;
        using (Autograd.NoGrad())
            targets = (Tensor.FromArray(r, b, 1) + discounts * valueTarget.Forward(Tensor.FromArray(next, b, n))).Detach();
        Tensor valueLoss = SvgObjectives.ValueLoss(value.Forward, states, targets, weights);
        double valueLossValue = NonFiniteLossException.Check(Name, Iterations, "value loss", valueLoss.Item());
        valueOptimizer.ZeroGrad();
        valueLoss.Backward();
        valueOptimizer.Step();

        // The policy's gradient flows through V's input only: its weights are fixed for this graph.
        foreach (Tensor p in valueParameters) p.RequiresGrad = false;
        (Tensor actions, Tensor negativeLogProb) = actor.ActWithEntropy(states, Tensor.FromArray(eta, b, m));
        double alpha = EntropyWeight;
        if (alphaOptimizer is not null) sums[4] += StepEntropyWeight(negativeLogProb, eta);
        Tensor objective = SvgObjectives.OneStep(states, actions, model, cost, value.Forward, Tensor.FromArray(zeta, b, n), discounts, Tensor.Full(1.0, DType.Float64, b, 1), config.RewardScale);
        Tensor entropy = negativeLogProb.Mean();
        Tensor loss = (objective + alpha * entropy).Neg();
        double objectiveValue = NonFiniteLossException.Check(Name, Iterations, "policy objective", objective.Item());
        actorOptimizer.ZeroGrad();
        loss.Backward();
        foreach (Tensor p in valueParameters) p.RequiresGrad = true;
        Gradients.ClipByGlobalNorm(actor.Parameters(), config.MaxGradientNorm);
        actorOptimizer.Step();
        Polyak.Update(valueTarget.Parameters(), valueParameters, config.Tau);
        sums[0] += valueLossValue;
        sums[1] += objectiveValue;
        sums[2] += entropy.Item();
        sums[3] += w.Average();
    }

    // One Adam step of log alpha on -log alpha (mean log pi + target), alpha being one scalar: mean log pi(a | s) =
    // -mean(the theta part) - mean_i sum_j (eta_ij^2 / 2 + log sqrt(2 pi)) at the batch's noises. Returns the loss.
    private double StepEntropyWeight(Tensor negativeLogProb, double[] eta)
    {
        int b = negativeLogProb.Dim(0);
        double squares = 0;
        for (int k = 0; k < b * m; k++) squares += eta[k] * eta[k];
        double meanLogProb = -negativeLogProb.Mean().Item() - (0.5 * squares / b + m * HalfLogTwoPi);
        Tensor temperatureLoss = (logAlpha * (meanLogProb + config.TargetEntropy!.Value)).Sum().Neg();
        double lossValue = NonFiniteLossException.Check(Name, Iterations, "entropy weight loss", temperatureLoss.Item());
        alphaOptimizer!.ZeroGrad();
        temperatureLoss.Backward();
        alphaOptimizer.Step();
        return lossValue;
    }

    /// <inheritdoc />
    public InferencePolicy InferencePolicy() => actor.ToInference();

    /// <summary>The policy over the robot's state: a = mid + half * tanh(mean(s)), or a sample from a generator seeded with <paramref name="seed"/>.</summary>
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(InferencePolicy(), deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        InferencePolicy().Save(checkpoint);
        checkpoint.PutModule(SvgSections.Actor, actor);
        checkpoint.PutModule(CheckpointSections.Value, value);
        checkpoint.PutModule(SvgSections.ValueTarget, valueTarget);
        checkpoint.PutOptimizer(CheckpointSections.Optimizer, actorOptimizer);
        checkpoint.PutOptimizer(CheckpointSections.ValueOptimizer, valueOptimizer);
        if (alphaOptimizer is not null)
        {
            checkpoint.PutOptimizer(SvgSections.EntropyWeightOptimizer, alphaOptimizer);
            checkpoint.Put(SvgSections.EntropyWeight, w => w.Write(logAlpha.Span<double>()[0]));
        }
        checkpoint.Put(SvgSections.Model, model.WriteState);
        checkpoint.Put(SvgSections.Replay, replay.Write);
        checkpoint.Put(SvgSections.Collector, collector.Write);
        checkpoint.PutRng(CheckpointSections.Rng + "/exploration", collector.Rng);
        checkpoint.PutRng(CheckpointSections.Rng + "/replay", sampleRng);
        checkpoint.Put(CheckpointSections.Counters, w =>
        {
            w.Write(Iterations);
            w.Write(lastFitSteps);
        });
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        checkpoint.ReadModule(SvgSections.Actor, actor);
        checkpoint.ReadModule(CheckpointSections.Value, value);
        checkpoint.ReadModule(SvgSections.ValueTarget, valueTarget);
        checkpoint.ReadOptimizer(CheckpointSections.Optimizer, actorOptimizer);
        checkpoint.ReadOptimizer(CheckpointSections.ValueOptimizer, valueOptimizer);
        if (alphaOptimizer is not null)
        {
            checkpoint.ReadOptimizer(SvgSections.EntropyWeightOptimizer, alphaOptimizer);
            checkpoint.Read(SvgSections.EntropyWeight, r => logAlpha.Span<double>()[0] = r.ReadDouble());
        }
        checkpoint.Read(SvgSections.Model, model.ReadState);
        checkpoint.Read(SvgSections.Replay, replay.Read);
        checkpoint.Read(SvgSections.Collector, collector.Read);
        Rng exploration = checkpoint.GetRng(CheckpointSections.Rng + "/exploration");
        Rng sampling = checkpoint.GetRng(CheckpointSections.Rng + "/replay");
        checkpoint.Read(CheckpointSections.Counters, r =>
        {
            Iterations = r.ReadInt32();
            lastFitSteps = r.ReadInt64();
        });
        collector.Rng = exploration;
        sampleRng = sampling;
    }
}
