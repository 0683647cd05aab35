// A neural policy trained by backpropagation through time through a frozen model, step 3 of the seed's (002)
// model-based loop: roll the policy out through f_phi from states the robot visited, sum the cost over the horizon,
// and follow the gradient of that sum with respect to the policy's weights, through every model step. The model
// can be learned (an IDifferentiableDynamics tensor graph) or any IDynamics through DifferentiableDynamics.
using Control.Dynamics;
using Control.Tensors;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.Planning.ModelBased;

/// <summary>Settings of <see cref="BpttPolicy"/>.</summary>
public sealed record BpttConfig
{
    /// <summary>Steps of every training rollout through the model. Default 40.</summary>
    public int Horizon { get; init; } = 40;

    /// <summary>Gradient steps per call of <see cref="BpttPolicy.Train"/>. Default 200.</summary>
    public int GradientSteps { get; init; } = 200;

    /// <summary>Start states per gradient step, drawn from the visited states. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's step size. Default 3e-3.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Hidden layer widths (tanh). Default [64, 64].</summary>
    public int[] Hidden { get; init; } = [64, 64];

    /// <summary>Global gradient-norm clip (backpropagation through many model steps can explode). Default 10.</summary>
    public double MaxGradientNorm { get; init; } = 10;

    /// <summary>Seed of the weights and of the start-state draws. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>State entries that are angles: the policy sees only their sine and cosine (a raw angle grows without bound as a pendulum spins). Default none.</summary>
    public int[] PeriodicStates { get; init; } = [];
}

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
    private readonly Rng rng;
    private readonly int n, m;
    private readonly Tensor mid, half, rawMask;
    private readonly double[] row;

    /// <summary>An untrained policy for a model with <paramref name="stateSize"/> states and the given control box.</summary>
    public BpttPolicy(int stateSize, Box controlBounds, BpttConfig? config = null)
    {
        this.config = config ?? new BpttConfig();
        if (!controlBounds.IsBounded) throw new ArgumentException($"BPTT policy: expected bounded controls, got {controlBounds.Describe()}.");
        if (this.config.Horizon < 1 || this.config.GradientSteps < 1 || this.config.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(config), "BPTT policy: expected positive Horizon, GradientSteps and BatchSize.");
        n = stateSize;
        m = controlBounds.FlatSize;
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

    /// <summary>The actions of a batch of states (B, n) on the tape.</summary>
    public Tensor Forward(Tensor states)
    {
        Tensor features = Tensor.Concat([states * rawMask, states.Sin(), states.Cos()], axis: 1);
        return mid + half * network.Forward(features);
    }

    /// <summary>
    /// <see cref="BpttConfig.GradientSteps"/> Adam steps on the mean summed cost of H-step rollouts through
    /// <paramref name="model"/>, starting from rows of <paramref name="startStates"/> (count x n).
    /// </summary>
    public void Train(IDifferentiableDynamics model, DifferentiableCost cost, ReadOnlySpan<double> startStates, int count)
    {
        if (model.StateSize != n || model.ControlSize != m)
            throw new ArgumentException($"BPTT policy: expected a model with n={n}, m={m}, got n={model.StateSize}, m={model.ControlSize}.");
        if (count < 1 || startStates.Length < count * n)
            throw new ArgumentException($"BPTT policy: expected at least one start state of length {n}, got {startStates.Length} values for {count} rows.");
        int batch = config.BatchSize;
        var starts = new double[batch * n];
        for (int step = 0; step < config.GradientSteps; step++)
        {
            using TensorScope scope = TensorScope.Begin();
            for (int b = 0; b < batch; b++) startStates.Slice(rng.NextInt(count) * n, n).CopyTo(starts.AsSpan(b * n, n));
            Tensor x = Tensor.FromArray(starts, batch, n);
            Tensor total = Tensor.Scalar(0.0, DType.Float64);
            for (int t = 0; t < config.Horizon; t++)
            {
                Tensor u = Forward(x);
                total = total + cost.Stage(x, u).Mean();
                x = model.Step(x, u);
            }
            total = total + cost.Terminal(x).Mean();
            double loss = total.Item();
            if (!double.IsFinite(loss)) continue;
            optimizer.ZeroGrad();
            total.Backward();
            Gradients.ClipByGlobalNorm(network.Parameters(), config.MaxGradientNorm);
            optimizer.Step();
            LastLoss = loss;
        }
    }

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
}
