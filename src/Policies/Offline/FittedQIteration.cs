// Fitted Q-iteration (Ernst, Geurts and Wehenkel 2005, "Tree-Based Batch Mode Reinforcement Learning"; with a neural
// network, Riedmiller 2005, "Neural Fitted Q Iteration"): the batch form of Q-learning in the lecture notes. On a fixed
// dataset {(s_i, a_i, s'_i, r_i)} collected by some policy, which never grows, each of K iterations
//   targets  y_i = r_i + gamma (1 - terminated_i) max_a' Q_phi(s'_i, a'), for every row at once with the current phi;
//   fit      phi <- argmin_phi 1/2 sum_i (Q_phi(s_i, a_i) - y_i)^2, by S minibatch gradient steps (Adam) from the
//            current phi, the targets held fixed ("not a gradient descent algorithm": the targets move between fits).
// The max over actions enumerates a Discrete space (a Q network with one output per action, as DQN's) or, for a
// bounded Box, is QT-Opt's cross-entropy search over the normalized box [-1, 1]^A (QCem). Time-limit truncations
// bootstrap; terminations do not. The env is used only to evaluate. The policy is argmax_a Q(s, a): for Discrete
// actions an InferencePolicy with an Argmax head, exported to ONNX as DQN's; for Box actions a cross-entropy search at
// every step (CemPolicy), so that, as for QT-Opt, there is no network-plus-head policy to store or export.
// Settings that keep the greedy policy from swinging between iterations on a dataset that covers the state space
// thinly (FittedQIterationConfig): Box observations standardized by the dataset's statistics, each fit's step size
// annealed to 0, and optionally clipped double Q in the targets or, over Discrete actions, advantage learning's wider
// action gap (targets less alpha (max_b Q(s, b) - Q(s, a))), conservative Q-learning's penalty, or a Polyak average
// of Q over the iterations that computes the targets and acts (AverageWeight).
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.Offline;

/// <summary>Fitted Q-iteration on a logged dataset, with Discrete actions (enumerated) or bounded Box actions (cross-entropy maximization).</summary>
public sealed class FittedQIteration : IAlgorithm
{
    /// <summary>Checkpoint section of the Q function over Box actions (Q over Discrete actions is the policy/* sections' network).</summary>
    public const string CriticSection = "q";

    /// <summary>Checkpoint section of the second Q function of <see cref="FittedQIterationConfig.TwinQ"/> (the first is the policy's, or <see cref="CriticSection"/>).</summary>
    public const string SecondCriticSection = "q/second";

    /// <summary>Checkpoint sections of the latest fits of Q (and its twin) over Discrete actions when <see cref="FittedQIterationConfig.AverageWeight"/> &lt; 1 (policy/* then holds the average).</summary>
    public const string FittedSection = "q/fitted", SecondFittedSection = "q/second/fitted";

    /// <summary>Checkpoint section of the observation normalizer of Q over Box actions (over Discrete actions it is policy/normalizer's).</summary>
    public const string CriticNormalizerSection = "q/normalizer";

    /// <summary>Why fitted Q-iteration over Box actions has no <see cref="Common.InferencePolicy"/>, and what to do instead.</summary>
    public const string NoInferencePolicyReason =
        "with continuous (Box) actions it acts by maximizing its Q(s, a) over the action box with a cross-entropy search at every step (as QT-Opt), "
        + "so there is no policy network and action head to store under policy/* or to export to ONNX. Evaluate it with `control eval` "
        + "(its checkpoint holds Q), or distil its actions into a network policy (behaviour cloning on the CEM actions) and export that; "
        + "fitted Q-iteration over Discrete actions exports as DQN does.";

    // Rows per forward pass when the targets are computed (states per cross-entropy search over Box actions).
    private const int TargetChunk = 1024;
    private const int CemChunk = 256;

    private readonly Space observationSpace;
    private readonly int inputSize;
    private readonly ActionScaling? scaling;
    private readonly QNetwork? discreteQ;
    private readonly QNetwork? discreteQ2;
    // The averages of AverageWeight < 1 (null without averaging): the targets' and the policy's Q.
    private readonly QNetwork? averageQ;
    private readonly QNetwork? averageQ2;
    // Q over Discrete actions as it computes the targets and acts, and as the checkpoint's policy and twin sections hold
    // it: the average when there is one, else the latest fit.
    private QNetwork? ActingQ => averageQ ?? discreteQ;
    private QNetwork? ActingQ2 => averageQ2 ?? discreteQ2;
    private readonly QCritic? boxQ;
    private readonly QCritic? boxQ2;
    private readonly QCem? cem;
    private readonly Adam optimizer;
    private readonly IReadOnlyList<Tensor> parameters;
    private readonly Func<IPolicy, double>? evaluate;
    private readonly OfflineDataset? data;
    private ObservationNormalizer? normalizer;

    // The dataset, encoded once: Q inputs of s and s' (rows of inputSize), Discrete action indices or normalized Box
    // actions, rewards, gamma (1 - terminated); the current iteration's targets y.
    private readonly float[] observations = [];
    private readonly float[] nextObservations = [];
    private readonly int[] actionIndices = [];
    private readonly float[] actions = [];
    private readonly float[] rewards = [];
    private readonly float[] bootstrap = [];
    private readonly float[] targets = [];

    // Minibatch buffers.
    private readonly int[] batchRows = [];
    private readonly int[] batchIndices = [];
    private Rng fitRng;
    private Rng cemRng;

    /// <summary>
    /// Fitted Q-iteration on <paramref name="data"/> (its env's spaces); every random choice follows from
    /// <paramref name="seed"/>. <paramref name="evaluate"/>, when given, returns the mean return of a policy on the env;
    /// it is called with the greedy policy after every iteration (the metric eval/return; NaN without it).
    /// </summary>
    /// <exception cref="ActionSpaceException">The action space is neither Discrete nor a bounded Box.</exception>
    /// <exception cref="ArgumentException">A config option is out of range, or the observation space is neither Box nor Discrete.</exception>
    public FittedQIteration(OfflineDataset data, FittedQIterationConfig config, long seed, Func<IPolicy, double>? evaluate = null)
        : this((data ?? throw new ArgumentNullException(nameof(data))).Env, data.ObservationSpace, data.ActionSpace, config, seed)
    {
        this.data = data;
        this.evaluate = evaluate;
        int n = data.Count, a = scaling?.Size ?? 1;
        Dynamics.Data.TransitionDataset rows = data.Transitions;
        observations = new float[n * inputSize];
        nextObservations = new float[n * inputSize];
        if (config.NormalizeObservations && observationSpace is Box)
        {
            normalizer = Statistics(rows);
            normalizer.Apply(rows.States, observations);
            normalizer.Apply(rows.NextStates, nextObservations);
        }
        else
        {
            QInputs.Encode(observationSpace, rows.States, observations);
            QInputs.Encode(observationSpace, rows.NextStates, nextObservations);
        }
        if (scaling is null)
        {
            actionIndices = new int[n];
            for (int i = 0; i < n; i++) actionIndices[i] = (int)rows.Controls[i];
        }
        else
        {
            var raw = new float[n * a];
            for (int i = 0; i < raw.Length; i++) raw[i] = (float)rows.Controls[i];
            actions = new float[n * a];
            scaling.Normalize(raw, actions);
        }
        rewards = new float[n];
        bootstrap = new float[n];
        for (int i = 0; i < n; i++)
        {
            rewards[i] = (float)rows.Rewards[i];
            bootstrap[i] = rows.Terminated[i] ? 0f : (float)config.Gamma;
        }
        targets = new float[n];
        batchRows = new int[Math.Min(config.BatchSize, n)];
        batchIndices = new int[batchRows.Length];
    }

    /// <summary>
    /// Fitted Q-iteration without data, on <paramref name="env"/>'s spaces: it acts, saves and loads (to evaluate or
    /// export a checkpoint) but cannot <see cref="Iterate"/>.
    /// </summary>
    /// <exception cref="ActionSpaceException">The action space is neither Discrete nor a bounded Box.</exception>
    /// <exception cref="ArgumentException">A config option is out of range, or the observation space is neither Box nor Discrete.</exception>
    public FittedQIteration(string env, Space observationSpace, Space actionSpace, FittedQIterationConfig config, long seed)
    {
        ArgumentNullException.ThrowIfNull(env);
        this.observationSpace = observationSpace ?? throw new ArgumentNullException(nameof(observationSpace));
        ArgumentNullException.ThrowIfNull(actionSpace);
        Config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        inputSize = QInputs.Size(observationSpace);
        var root = new Rng(seed);
        Rng init = root.Fork(0);
        switch (actionSpace)
        {
            case Discrete d:
                discreteQ = new QNetwork(inputSize, d.N, config.Network, init);
                discreteQ2 = config.TwinQ ? new QNetwork(inputSize, d.N, config.Network, init) : null;
                parameters = [.. discreteQ.Parameters(), .. discreteQ2?.Parameters() ?? []];
                if (config.AverageWeight < 1)
                {
                    averageQ = new QNetwork(inputSize, d.N, config.Network, init);
                    averageQ.CopyParametersFrom(discreteQ);
                    if (discreteQ2 is not null)
                    {
                        averageQ2 = new QNetwork(inputSize, d.N, config.Network, init);
                        averageQ2.CopyParametersFrom(discreteQ2);
                    }
                }
                break;
            case Box when config.ActionGapWeight > 0:
                throw new ArgumentException(
                    $"{Name}: FittedQIterationConfig.ActionGapWeight is {config.ActionGapWeight}, but advantage learning is implemented for Discrete actions and {env} has {actionSpace.Describe()}; expected 0.");
            case Box when config.AverageWeight < 1:
                throw new ArgumentException(
                    $"{Name}: FittedQIterationConfig.AverageWeight is {config.AverageWeight}, but the average over iterations is implemented for Discrete actions and {env} has {actionSpace.Describe()}; expected 1.");
            case Box when config.ConservativeWeight > 0:
                throw new ArgumentException(
                    $"{Name}: FittedQIterationConfig.ConservativeWeight is {config.ConservativeWeight}, but CQL(H) is implemented for Discrete actions and {env} has {actionSpace.Describe()}; expected 0.");
            case Box box when box.IsBounded:
                scaling = new ActionScaling(box);
                boxQ = new QCritic(inputSize, scaling.Size, config.Network, init);
                boxQ2 = config.TwinQ ? new QCritic(inputSize, scaling.Size, config.Network, init) : null;
                cem = NewCem(CemChunk);
                parameters = [.. boxQ.Parameters(), .. boxQ2?.Parameters() ?? []];
                break;
            default:
                throw new ActionSpaceException(Name,
                    "a Discrete action space (the max over actions by enumeration) or a Box with finite bounds (the max by the cross-entropy method)", actionSpace, env);
        }
        optimizer = new Adam(parameters, new AdamConfig { LearningRate = config.LearningRate });
        fitRng = root.Fork(1);
        cemRng = root.Fork(2);
    }

    /// <summary>The settings.</summary>
    public FittedQIterationConfig Config { get; }

    /// <summary>The dataset, or null when made without one.</summary>
    public OfflineDataset? Data => data;

    /// <summary>Q over Discrete actions (one output per action), or null for Box actions.</summary>
    public QNetwork? DiscreteQ => discreteQ;

    /// <summary>Q(s, a) over normalized Box actions, or null for Discrete actions.</summary>
    public QCritic? BoxQ => boxQ;

    /// <summary>The average over iterations of Q over Discrete actions (<see cref="FittedQIterationConfig.AverageWeight"/> &lt; 1), or null.</summary>
    public QNetwork? AverageDiscreteQ => averageQ;

    /// <summary>The average over iterations of the second Q over Discrete actions (with <see cref="FittedQIterationConfig.TwinQ"/>), or null.</summary>
    public QNetwork? AverageSecondDiscreteQ => averageQ2;

    /// <summary>The second Q over Discrete actions of <see cref="FittedQIterationConfig.TwinQ"/>, or null.</summary>
    public QNetwork? SecondDiscreteQ => discreteQ2;

    /// <summary>The second Q over Box actions of <see cref="FittedQIterationConfig.TwinQ"/>, or null.</summary>
    public QCritic? SecondBoxQ => boxQ2;

    /// <summary>The current iteration's targets y_i, one per row of the dataset (empty without data).</summary>
    public ReadOnlySpan<float> Targets => targets;

    /// <inheritdoc />
    public string Name => "fqi";

    /// <summary>None: the env is used only to evaluate, never to collect.</summary>
    public long EnvSteps => 0;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>Gradient steps taken so far.</summary>
    public long GradientStepCount { get; private set; }

    /// <summary>The frozen standardization of Box observations by the dataset's statistics, or null (Discrete observations, or switched off).</summary>
    public ObservationNormalizer? Normalizer => normalizer;

    // Mean and (population) variance of every observation feature over the dataset's rows.
    private static ObservationNormalizer Statistics(Dynamics.Data.TransitionDataset rows)
    {
        int n = rows.Count, size = rows.StateSize;
        var mean = new double[size];
        var variance = new double[size];
        ReadOnlySpan<double> states = rows.States;
        for (int i = 0; i < states.Length; i++) mean[i % size] += states[i] / n;
        for (int i = 0; i < states.Length; i++)
        {
            double d = states[i] - mean[i % size];
            variance[i % size] += d * d / n;
        }
        return new ObservationNormalizer(mean, variance);
    }

    private QCem NewCem(int states) => new(inputSize, scaling!.Size, states, Config.CemSamples, Config.CemElites, Config.CemIterations, Config.CemInitialStd);

    /// <inheritdoc />
    /// <remarks>One fitted Q-iteration: the targets of every row from the current Q, then <see cref="FittedQIterationConfig.GradientSteps"/> steps.</remarks>
    /// <exception cref="InvalidOperationException">Made without a dataset.</exception>
    public IReadOnlyDictionary<string, double> Iterate()
    {
        if (data is null)
            throw new InvalidOperationException($"{Name}: made without a dataset, it can act and be saved but not iterate; load the dataset (--dataset) to continue training.");
        // ---- targets y_i = r_i + gamma (1 - terminated_i) max_a' Q(s'_i, a'), and the Bellman residual of the current Q
        (double targetMean, double residual) = ComputeTargets();
        // ---- fit Q(s_i, a_i) to y_i
        double lossSum = 0, qSum = 0;
        var schedule = new CosineSchedule(Config.LearningRate, 0, Config.GradientSteps);
        for (int g = 0; g < Config.GradientSteps; g++)
        {
            if (Config.AnnealFit) optimizer.LearningRate = schedule.Rate(g);
            (double loss, double q) = FitStep();
            lossSum += loss;
            qSum += q;
        }
        averageQ?.SoftUpdateFrom(discreteQ!, Config.AverageWeight);
        if (discreteQ2 is not null) averageQ2?.SoftUpdateFrom(discreteQ2, Config.AverageWeight);
        Iterations++;
        double evaluation = evaluate is null ? double.NaN : evaluate(Policy(deterministic: true, seed: 0));
        return new Dictionary<string, double>
        {
            ["train/loss"] = lossSum / Config.GradientSteps,
            ["train/q_mean"] = qSum / Config.GradientSteps,
            ["train/target_mean"] = targetMean,
            ["train/bellman_residual"] = residual,
            ["train/gradient_steps"] = GradientStepCount,
            ["eval/return"] = evaluation,
        };
    }

    // Fills the targets from the current Q; returns their mean and the mean |Q(s_i, a_i) - y_i| before the fit.
    private (double TargetMean, double Residual) ComputeTargets()
    {
        int n = data!.Count;
        var maxQ = new float[Math.Min(n, TargetChunk)];
        var q = new float[maxQ.Length];
        var gap = new float[maxQ.Length];
        float alpha = (float)Config.ActionGapWeight;
        double targetSum = 0, residualSum = 0;
        for (int start = 0; start < n; start += TargetChunk)
        {
            int rows = Math.Min(TargetChunk, n - start);
            MaxAndTaken(start, rows, maxQ, q, gap);
            for (int k = 0; k < rows; k++)
            {
                int i = start + k;
                float y = rewards[i] + bootstrap[i] * maxQ[k] - alpha * gap[k];
                targets[i] = y;
                targetSum += y;
                residualSum += Math.Abs(q[k] - y);
            }
        }
        return (targetSum / n, residualSum / n);
    }

    // max_a' Q(s'_i, a') (with twins: min_j Q_j(s'_i, a*)), Q(s_i, a_i) and, over Discrete actions, the action gap
    // max_b Q(s_i, b) - Q(s_i, a_i), for rows start .. start + rows - 1, without gradient.
    private void MaxAndTaken(int start, int rows, Span<float> maxQ, Span<float> taken, Span<float> gap)
    {
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        Tensor next = Rows(nextObservations, start, rows, inputSize);
        Tensor current = Rows(observations, start, rows, inputSize);
        if (discreteQ is not null)
        {
            Tensor nextQ = ActingQ!.Forward(next);
            int[] greedy = nextQ.ArgMax(1);
            Tensor value = nextQ.Gather(1, greedy);
            if (discreteQ2 is not null) value = Tensor.Minimum(value, ActingQ2!.Forward(next).Gather(1, greedy));
            value.Span<float>().CopyTo(maxQ);
            Tensor currentQ = discreteQ.Forward(current);
            currentQ.Gather(1, actionIndices[start..(start + rows)]).Span<float>().CopyTo(taken);
            currentQ.Gather(1, currentQ.ArgMax(1)).Span<float>().CopyTo(gap);
            for (int k = 0; k < rows; k++) gap[k] -= taken[k];
            return;
        }
        int a = scaling!.Size;
        Tensor bestActions = Tensor.Zeros(rows, a);
        Span<float> best = bestActions.Span<float>();
        ReadOnlySpan<float> states = next.Span<float>();
        for (int s = 0; s < rows; s += CemChunk)
        {
            int count = Math.Min(CemChunk, rows - s);
            cem!.Maximize(boxQ!, states.Slice(s * inputSize, count * inputSize), count, cemRng, best.Slice(s * a, count * a));
        }
        Tensor nextValue = boxQ!.Forward(next, bestActions);
        if (boxQ2 is not null) nextValue = Tensor.Minimum(nextValue, boxQ2.Forward(next, bestActions));
        nextValue.Span<float>().CopyTo(maxQ);
        boxQ.Forward(current, Rows(actions, start, rows, a)).Span<float>().CopyTo(taken);
    }

    // One Adam step on 1/B sum_b (Q(s_b, a_b) - y_b)^2 over B rows drawn uniformly (every row once when B >= N); returns
    // the loss and the mean Q.
    private (double Loss, double MeanQ) FitStep()
    {
        int n = data!.Count, b = batchRows.Length;
        if (b == n)
        {
            for (int k = 0; k < n; k++) batchRows[k] = k;
        }
        else
        {
            for (int k = 0; k < b; k++) batchRows[k] = fitRng.NextInt(n);
        }
        using var scope = TensorScope.Begin();
        Tensor inputs = Gather(observations, inputSize, b);
        Tensor y = Tensor.Zeros(b, 1);
        Span<float> ySpan = y.Span<float>();
        for (int k = 0; k < b; k++) ySpan[k] = targets[batchRows[k]];
        Tensor q;
        Tensor? q2 = null, conservative = null;
        if (discreteQ is not null)
        {
            for (int k = 0; k < b; k++) batchIndices[k] = actionIndices[batchRows[k]];
            Tensor all = discreteQ.Forward(inputs);
            q = all.Gather(1, batchIndices);
            Tensor? all2 = discreteQ2?.Forward(inputs);
            q2 = all2?.Gather(1, batchIndices);
            if (Config.ConservativeWeight > 0)
            {
                // CQL(H): alpha E_b [log sum_a exp Q(s_b, a) - Q(s_b, a_b)], for each Q.
                conservative = (all.LogSumExp(1, keepDim: true) - q).Mean();
                if (all2 is not null) conservative += (all2.LogSumExp(1, keepDim: true) - q2!).Mean();
                conservative *= Config.ConservativeWeight;
            }
        }
        else
        {
            Tensor taken = Gather(actions, scaling!.Size, b);
            q = boxQ!.Forward(inputs, taken);
            q2 = boxQ2?.Forward(inputs, taken);
        }
        Tensor loss = ActorCriticLosses.Critic(q, y);
        if (q2 is not null) loss += ActorCriticLosses.Critic(q2, y);
        if (conservative is not null) loss += conservative;
        double value = NonFiniteLossException.Check(Name, Iterations, "Q loss", loss.Item());
        optimizer.ZeroGrad();
        loss.Backward();
        Gradients.ClipByGlobalNorm(parameters, Config.MaxGradNorm);
        optimizer.Step();
        GradientStepCount++;
        return (value, q.Mean().Item());
    }

    private static Tensor Rows(float[] source, int start, int rows, int width)
    {
        Tensor t = Tensor.Zeros(rows, width);
        source.AsSpan(start * width, rows * width).CopyTo(t.Span<float>());
        return t;
    }

    // The minibatch's rows of a column of `width` values.
    private Tensor Gather(float[] source, int width, int b)
    {
        Tensor t = Tensor.Zeros(b, width);
        Span<float> destination = t.Span<float>();
        for (int k = 0; k < b; k++) source.AsSpan(batchRows[k] * width, width).CopyTo(destination.Slice(k * width, width));
        return t;
    }

    /// <summary>
    /// The greedy policy argmax_a Q(s, a) on raw observations, acting with a copy of Q: for Discrete actions the
    /// <see cref="InferencePolicy"/>; for Box actions the cross-entropy search restarted from <paramref name="seed"/> at
    /// every step (one observation, one action). Fitted Q-iteration does not explore, so both values of
    /// <paramref name="deterministic"/> give the greedy policy.
    /// </summary>
    public IPolicy Policy(bool deterministic, long seed = 0)
    {
        if (discreteQ is not null) return new QPolicy(InferencePolicy(), 0, seed);
        var q = new QCritic(inputSize, scaling!.Size, Config.Network, new Rng(0));
        q.CopyParametersFrom(boxQ!);
        return new CemPolicy(q, NewCem(1), observationSpace, scaling, deterministic: true, seed, normalizer: normalizer);
    }

    /// <summary>For Discrete actions the greedy policy argmax_a Q(s, a) (a copy of Q, or of its average over iterations, with an Argmax head).</summary>
    /// <exception cref="NoInferencePolicyException">Box actions (see <see cref="NoInferencePolicyReason"/>).</exception>
    public InferencePolicy InferencePolicy()
    {
        if (discreteQ is null) throw new NoInferencePolicyException(Name, NoInferencePolicyReason);
        QNetwork q = ActingQ!;
        if (normalizer is null) return q.ToInference(observationSpace);
        return new InferencePolicy(observationSpace.FlatSize, ObservationEncoding.Values, normalizer, q.ToNetwork(), ActionHead.Argmax(q.Actions, logits: false),
            new Discrete(q.Actions));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Q is the policy/* sections' network for Discrete actions; for Box actions it is the <see cref="CriticSection"/> section and
    /// policy/* records why there is no inference policy. With data, the dataset's description goes to <see cref="OfflineDataset.Section"/>.
    /// </remarks>
    public void Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (discreteQ is not null)
        {
            InferencePolicy().Save(checkpoint);
        }
        else
        {
            Common.InferencePolicy.SaveAbsence(checkpoint, new NoInferencePolicyException(Name, NoInferencePolicyReason));
            checkpoint.PutModule(CriticSection, boxQ!);
            checkpoint.Put(CriticNormalizerSection, w =>
            {
                w.Write(normalizer is not null);
                normalizer?.Write(w);
            });
        }
        if (discreteQ2 is not null) checkpoint.PutModule(SecondCriticSection, ActingQ2!);
        if (boxQ2 is not null) checkpoint.PutModule(SecondCriticSection, boxQ2);
        if (averageQ is not null) checkpoint.PutModule(FittedSection, discreteQ!);
        if (averageQ2 is not null) checkpoint.PutModule(SecondFittedSection, discreteQ2!);
        checkpoint.PutOptimizer(CheckpointSections.Optimizer, optimizer);
        checkpoint.PutRng(CheckpointSections.Rng + "/fit", fitRng);
        checkpoint.PutRng(CheckpointSections.Rng + "/cem", cemRng);
        checkpoint.Put(CheckpointSections.Counters, w =>
        {
            w.Write(Iterations);
            w.Write(GradientStepCount);
        });
        if (data is not null) checkpoint.PutJson(OfflineDataset.Section, data.Describe());
    }

    /// <inheritdoc />
    /// <exception cref="CheckpointException">The checkpoint does not fit, or it was trained on other rows than this one's dataset.</exception>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        data?.CheckTrainedOn(checkpoint);
        ObservationNormalizer? stored = null;
        if (discreteQ is not null)
        {
            checkpoint.ReadPolicy(policy =>
            {
                ActingQ!.CopyFrom(policy.Network);
                stored = policy.Normalizer;
            });
            if (averageQ is not null) checkpoint.ReadModule(FittedSection, discreteQ);
        }
        else
        {
            checkpoint.ReadModule(CriticSection, boxQ!);
            stored = checkpoint.Get(CriticNormalizerSection, r => r.ReadBoolean() ? ObservationNormalizer.Read(r) : null);
        }
        if (discreteQ2 is not null) checkpoint.ReadModule(SecondCriticSection, ActingQ2!);
        if (averageQ2 is not null) checkpoint.ReadModule(SecondFittedSection, discreteQ2!);
        if (boxQ2 is not null) checkpoint.ReadModule(SecondCriticSection, boxQ2);
        if (stored is not null && stored.Size != observationSpace.FlatSize)
            throw new CheckpointException($"{checkpoint.Source ?? "checkpoint"}: expected an observation normalizer of {observationSpace.FlatSize} features, got {stored.Size}.");
        checkpoint.ReadOptimizer(CheckpointSections.Optimizer, optimizer);
        Rng fitting = checkpoint.GetRng(CheckpointSections.Rng + "/fit");
        Rng searching = checkpoint.GetRng(CheckpointSections.Rng + "/cem");
        checkpoint.Read(CheckpointSections.Counters, r =>
        {
            Iterations = r.ReadInt32();
            GradientStepCount = r.ReadInt64();
        });
        fitRng = fitting;
        cemRng = searching;
        normalizer = stored;
    }
}
