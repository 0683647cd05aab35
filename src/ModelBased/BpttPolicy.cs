// A neural policy trained by backpropagation through time through a frozen model, step 3 of the model-based loop of
// the lecture notes "End-to-end Model Based Reinforcement Learning": roll the policy out through f_phi from states the robot visited, sum the cost over the horizon,
// and follow the gradient of that sum with respect to the policy's weights, through every model step. The model
// can be learned (an IDifferentiableDynamics tensor graph) or any IDynamics through DifferentiableDynamics.
//
// Two things keep a policy trained through an imperfect, changing model from settling on a poor swing:
//   - part of every batch starts from the task's initial states (not only from where the robot has been), so the
//     policy is always trained on the states it will be judged from;
//   - every few gradient steps the weights are scored by their imagined cost over a longer horizon from fixed
//     initial states, and training ends on the best weights seen (gradient steps through a model can make the
//     policy worse; the selection never does, by its own measure).
using Control.Core;
using Control.Core.Envs;
using Control.Dynamics;
using Control.Planning;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.ModelBased;

/// <summary>
/// A deterministic policy u = mid + half * tanh(net([x, sin x, cos x])) over the model's control box, trained through
/// a differentiable model; the raw value of an angle (<see cref="BpttConfig.PeriodicStates"/>) is masked out, so only
/// its sine and cosine reach the network.
/// </summary>
public sealed class BpttPolicy : IPolicy
{
    private readonly BpttConfig config;
    private readonly Sequential network;
    private readonly Adam optimizer;
    private Rng rng;
    private readonly int n, m;
    private readonly Tensor mid, half, rawMask;
    private readonly double[] row;
    private readonly Box controlBounds;

    /// <summary>An untrained policy for a model with <paramref name="stateSize"/> states and the given control box.</summary>
    public BpttPolicy(int stateSize, Box controlBounds, BpttConfig? config = null)
    {
        this.config = config ?? new BpttConfig();
        if (!controlBounds.IsBounded) throw new ArgumentException($"BPTT policy: expected bounded controls, got {controlBounds.Describe()}.");
        if (this.config.Horizon < 1 || this.config.GradientSteps < 1 || this.config.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(config), "BPTT policy: expected positive Horizon, GradientSteps and BatchSize.");
        if (!(this.config.InitialStateFraction is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(config), this.config.InitialStateFraction, "BPTT policy: expected InitialStateFraction in [0, 1].");
        if (this.config.SelectionInterval < 0 || this.config.SelectionHorizon < 1 || this.config.SelectionStates < 1)
            throw new ArgumentOutOfRangeException(nameof(config), "BPTT policy: expected SelectionInterval >= 0 and positive SelectionHorizon and SelectionStates.");
        n = stateSize;
        m = controlBounds.FlatSize;
        this.controlBounds = controlBounds;
        rng = new Rng(this.config.Seed);
        network = Mlp.Create(3 * n, this.config.Hidden, m, rng.Fork(1), Activation.Tanh, Activation.Tanh, DType.Float64);
        optimizer = new Adam(network.Parameters(), new AdamConfig { LearningRate = this.config.LearningRate });
        double[] low = controlBounds.Low.ToArray(), high = controlBounds.High.ToArray();
        mid = Tensor.FromArray(low.Select((l, i) => 0.5 * (l + high[i])).ToArray(), 1, m);
        half = Tensor.FromArray(low.Select((l, i) => 0.5 * (high[i] - l)).ToArray(), 1, m);
        row = new double[n];
        var mask = Enumerable.Repeat(1.0, n).ToArray();
        foreach (int i in this.config.PeriodicStates)
        {
            if (i < 0 || i >= n) throw new ArgumentOutOfRangeException(nameof(config), i, $"BPTT policy: expected periodic state indices in [0, {n}).");
            mask[i] = 0;
        }
        rawMask = Tensor.FromArray(mask, 1, n);
    }

    /// <inheritdoc />
    public int ObservationSize => n;

    /// <inheritdoc />
    public int ActionSize => m;

    /// <summary>Mean summed cost of the last gradient step's rollouts.</summary>
    public double LastLoss { get; private set; } = double.NaN;

    /// <summary>Imagined cost (see <see cref="ImaginedCost"/>) of the weights the last <see cref="Train"/> ended on, from its scoring states (the first <see cref="BpttConfig.SelectionStates"/> initial states, or visited states when none were given); NaN before training.</summary>
    public double SelectedImaginedCost { get; private set; } = double.NaN;

    /// <summary>The actions of a batch of states (B, n) on the tape.</summary>
    public Tensor Forward(Tensor states)
    {
        Tensor features = Tensor.Concat([states * rawMask, states.Sin(), states.Cos()], axis: 1);
        return mid + half * network.Forward(features);
    }

    /// <summary>
    /// <see cref="BpttConfig.GradientSteps"/> Adam steps on the mean summed cost of H-step rollouts through
    /// <paramref name="model"/>, starting from rows of <paramref name="startStates"/> (count x n) and, for
    /// <see cref="BpttConfig.InitialStateFraction"/> of every batch, from rows of <paramref name="initialStates"/>
    /// (the task's initial-state distribution, rows of n; may be empty). With selection on, the policy ends on the
    /// weights of lowest <see cref="ImaginedCost"/> among those it started with and those scored every
    /// <see cref="BpttConfig.SelectionInterval"/> steps.
    /// </summary>
    public void Train(IDifferentiableDynamics model, DifferentiableCost cost, ReadOnlySpan<double> startStates, int count, ReadOnlySpan<double> initialStates = default)
    {
        if (model.StateSize != n || model.ControlSize != m)
            throw new ArgumentException($"BPTT policy: expected a model with n={n}, m={m}, got n={model.StateSize}, m={model.ControlSize}.");
        if (count < 1 || startStates.Length < count * n)
            throw new ArgumentException($"BPTT policy: expected at least one start state of length {n}, got {startStates.Length} values for {count} rows.");
        if (initialStates.Length % n != 0)
            throw new ArgumentException($"BPTT policy: expected initial states as rows of length {n}, got {initialStates.Length} values.");
        int initialCount = initialStates.Length / n;
        int batch = config.BatchSize;
        int fromInitial = initialCount == 0 ? 0 : (int)Math.Round(config.InitialStateFraction * batch);
        var starts = new double[batch * n];
        double[] scoring = ScoringStates(initialCount > 0 ? initialStates : startStates[..(count * n)]);
        bool select = config.SelectionInterval > 0;
        double best = select ? ImaginedCost(model, cost, scoring) : double.NaN;
        Tensor? bestWeights = null;
        if (select) using (TensorScope.Suspend()) bestWeights = network.FlattenParameters();
        for (int step = 1; step <= config.GradientSteps; step++)
        {
            using (TensorScope.Begin())
            {
                for (int b = 0; b < batch; b++)
                {
                    ReadOnlySpan<double> source = b < fromInitial ? initialStates.Slice(rng.NextInt(initialCount) * n, n) : startStates.Slice(rng.NextInt(count) * n, n);
                    source.CopyTo(starts.AsSpan(b * n, n));
                }
                Tensor total = RolloutCost(model, cost, Tensor.FromArray(starts, batch, n), config.Horizon);
                double loss = total.Item();
                if (double.IsFinite(loss))
                {
                    optimizer.ZeroGrad();
                    total.Backward();
                    Gradients.ClipByGlobalNorm(network.Parameters(), config.MaxGradientNorm);
                    optimizer.Step();
                    LastLoss = loss;
                }
            }
            if (select && (step % config.SelectionInterval == 0 || step == config.GradientSteps))
            {
                double score = ImaginedCost(model, cost, scoring);
                if (score < best || !double.IsFinite(best))
                {
                    best = score;
                    using (TensorScope.Suspend()) bestWeights = network.FlattenParameters();
                }
            }
        }
        if (bestWeights is not null) network.LoadFlatParameters(bestWeights);
        SelectedImaginedCost = select ? best : ImaginedCost(model, cost, scoring);
    }

    /// <summary>
    /// Mean summed cost (stage costs over <see cref="BpttConfig.SelectionHorizon"/> steps plus the terminal cost)
    /// of the policy rolled out through <paramref name="model"/> from the rows of <paramref name="states"/>; no gradient.
    /// NaN or infinity when the model diverges.
    /// </summary>
    public double ImaginedCost(IDifferentiableDynamics model, DifferentiableCost cost, ReadOnlySpan<double> states)
    {
        if (states.Length == 0 || states.Length % n != 0)
            throw new ArgumentException($"BPTT policy: expected start states as rows of length {n}, got {states.Length} values.");
        using TensorScope scope = TensorScope.Begin();
        using Autograd.ModeToken noGrad = Autograd.NoGrad();
        return RolloutCost(model, cost, Tensor.FromArray(states.ToArray(), states.Length / n, n), config.SelectionHorizon).Item();
    }

    private Tensor RolloutCost(IDifferentiableDynamics model, DifferentiableCost cost, Tensor x, int horizon)
    {
        Tensor total = Tensor.Scalar(0.0, DType.Float64);
        for (int t = 0; t < horizon; t++)
        {
            Tensor u = Forward(x);
            total = total + cost.Stage(x, u).Mean();
            x = model.Step(x, u);
        }
        return total + cost.Terminal(x).Mean();
    }

    // The first SelectionStates rows: the same states score every set of weights of this call.
    private double[] ScoringStates(ReadOnlySpan<double> states) => states[..(Math.Min(config.SelectionStates, states.Length / n) * n)].ToArray();

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        PlannerChecks.InitialState("BPTT policy", n, observation);
        if (action.Length != m) throw new ArgumentException($"BPTT policy: expected an action buffer of length {m}, got {action.Length}.");
        observation.CopyTo(row);
        using TensorScope scope = TensorScope.Begin();
        using Autograd.ModeToken noGrad = Autograd.NoGrad();
        Forward(Tensor.FromArray(row, 1, n)).Span<double>().CopyTo(action);
    }

    /// <inheritdoc />
    public void Reset() { }

    /// <summary>
    /// Stores what continuing to train needs, in sections named <paramref name="prefix"/>/...: the float64 weights,
    /// Adam's moments and step count, the generator of the start states, and the last loss and imagined cost.
    /// </summary>
    public void Save(Checkpoint checkpoint, string prefix)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.PutModule($"{prefix}/network", network);
        checkpoint.PutOptimizer($"{prefix}/optimizer", optimizer);
        checkpoint.PutRng($"{prefix}/rng", rng);
        checkpoint.Put($"{prefix}/scores", w =>
        {
            w.Write(LastLoss);
            w.Write(SelectedImaginedCost);
        });
    }

    /// <summary>Restores what <see cref="Save"/> stored under <paramref name="prefix"/> into a policy made with the same sizes and config.</summary>
    /// <exception cref="CheckpointException">A section is missing or does not fit this policy.</exception>
    public void Restore(Checkpoint checkpoint, string prefix)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.ReadModule($"{prefix}/network", network);
        checkpoint.ReadOptimizer($"{prefix}/optimizer", optimizer);
        rng = checkpoint.GetRng($"{prefix}/rng");
        checkpoint.Read($"{prefix}/scores", r =>
        {
            LastLoss = r.ReadDouble();
            SelectedImaginedCost = r.ReadDouble();
        });
    }

    /// <summary>
    /// The policy as an <see cref="Control.Policies.Common.InferencePolicy"/> (what checkpoints store and exporters write): the
    /// periodic encoding over the angles, the network in float32 without its last tanh, and a tanh-squash head of
    /// scale half and bias mid; its actions equal <see cref="Act"/>'s to float32 rounding.
    /// </summary>
    public InferencePolicy InferencePolicy()
    {
        // The network is Mlp.Create's chain in float64, every Linear followed by a tanh; the last tanh becomes the head's squash.
        var layers = new List<DenseLayer>();
        IReadOnlyList<Module> modules = network.Layers;
        for (int i = 0; i < modules.Count; i += 2)
        {
            var linear = (Linear)modules[i];
            Activation activation = i + 2 == modules.Count ? Activation.Identity : ((ActivationLayer)modules[i + 1]).Activation;
            layers.Add(new DenseLayer(linear.Weight.To(DType.Float32), linear.Bias?.To(DType.Float32), activation));
        }
        ActionHead head = ActionHead.TanhSquash(half.Span<double>(), mid.Span<double>());
        int[] angles = [.. config.PeriodicStates.Distinct().Order()];
        return new InferencePolicy(n, ObservationEncoding.Periodic, null, new InferenceNetwork(layers), head, controlBounds, angles);
    }
}
