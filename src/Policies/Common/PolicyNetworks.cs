// Policy networks: an MLP from observations to the parameters of an action distribution. Categorical for
// Discrete action spaces (logits), diagonal Gaussian for Box spaces (mean, and a log-std that is either one
// learned vector or a second output head). Every on-policy algorithm (REINFORCE, A2C, TRPO, PPO) trains these.
using Control.Dynamics;
using Control.Tensors;
using Control.Tensors.Distributions;
using Control.Tensors.NN;

namespace Control.Policies;

/// <summary>The hidden layers of a network and how they are initialized.</summary>
public sealed record NetworkConfig
{
    /// <summary>Hidden layer widths (default 64-64, the size of the RL Zoo's and CleanRL's PPO networks).</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [64, 64];

    /// <summary>Hidden activation (default tanh).</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>
    /// Orthogonal initialization (default true), as in the PPO implementations (Engstrom et al. 2020, "Implementation
    /// Matters"): hidden layers with gain sqrt(2), the policy head with gain 0.01, value heads with gain 1, biases zero.
    /// False keeps PyTorch's default uniform initialization.
    /// </summary>
    public bool Orthogonal { get; init; } = true;

    internal void Validate(string owner)
    {
        if (Hidden is null || Hidden.Any(h => h <= 0))
            throw new ArgumentException($"{owner}: expected positive hidden layer widths, got [{string.Join(", ", Hidden ?? [])}].");
    }
}

/// <summary>How a Gaussian policy represents its log standard deviation.</summary>
public enum LogStdMode
{
    /// <summary>One learned vector, independent of the state (PPO, TRPO).</summary>
    StateIndependent,

    /// <summary>A second output head of the network (clamped to [-20, 2]).</summary>
    StateDependent,
}

/// <summary>
/// A batch of action distributions, one per row of observations. Actions are rows of doubles as the env reads
/// them: for a Discrete space one element holding the index.
/// </summary>
public interface IActionDistribution
{
    /// <summary>Rows in the batch.</summary>
    int BatchSize { get; }

    /// <summary>log pi(a | s) of <paramref name="actions"/> (B, ActionSize), as a (B,) tensor on the tape.</summary>
    Tensor LogProb(Tensor actions);

    /// <summary>Entropy per row (B,).</summary>
    Tensor Entropy();

    /// <summary>KL(this || other) per row (B,); <paramref name="other"/> must be of the same kind.</summary>
    Tensor Kl(IActionDistribution other);

    /// <summary>Draws one action per row into <paramref name="actions"/> (B x ActionSize), without gradient.</summary>
    void Sample(Rng rng, Span<double> actions);

    /// <summary>Writes the most likely action of each row (the deterministic policy).</summary>
    void Mode(Span<double> actions);
}

/// <summary>Categorical actions over a Discrete space.</summary>
public sealed class CategoricalActions(Tensor logits) : IActionDistribution
{
    /// <summary>The underlying distribution.</summary>
    public Categorical Distribution { get; } = new(logits);

    /// <inheritdoc />
    public int BatchSize => Distribution.Logits.Dim(0);

    /// <inheritdoc />
    public Tensor LogProb(Tensor actions)
    {
        if (actions.Rank != 2 || actions.Dim(0) != BatchSize || actions.Dim(1) != 1)
            throw new TensorException($"CategoricalActions.LogProb: expected actions of shape ({BatchSize}, 1), got {Tensor.Format(actions.Shape)}.");
        var indices = new int[BatchSize];
        double[] values = actions.ToDoubleArray();
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = (int)values[i];
            if (indices[i] != values[i] || indices[i] < 0 || indices[i] >= Distribution.Classes)
                throw new TensorException($"CategoricalActions.LogProb: expected action indices in [0, {Distribution.Classes - 1}], got {values[i]} in row {i}.");
        }
        return Distribution.LogProb(indices);
    }

    /// <inheritdoc />
    public Tensor Entropy() => Distribution.Entropy();

    /// <inheritdoc />
    public Tensor Kl(IActionDistribution other) => other is CategoricalActions c
        ? Distribution.Kl(c.Distribution)
        : throw new ArgumentException($"CategoricalActions.Kl: expected another categorical, got {other.GetType().Name}.");

    /// <inheritdoc />
    public void Sample(Rng rng, Span<double> actions)
    {
        int rows = BatchSize, k = Distribution.Classes;
        CheckLength(actions, rows);
        ReadOnlySpan<float> logits = Distribution.Logits.DType == DType.Float32 ? Distribution.Logits.Span<float>() : default;
        double[]? wide = logits.IsEmpty ? Distribution.Logits.ToDoubleArray() : null;
        Span<double> p = k <= 64 ? stackalloc double[k] : new double[k];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++) max = Math.Max(max, wide?[r * k + c] ?? logits[r * k + c]);
            double total = 0;
            for (int c = 0; c < k; c++) total += p[c] = Math.Exp((wide?[r * k + c] ?? logits[r * k + c]) - max);
            double u = rng.NextDouble() * total, cumulative = 0;
            int chosen = k - 1;
            for (int c = 0; c < k; c++)
            {
                cumulative += p[c];
                if (u < cumulative)
                {
                    chosen = c;
                    break;
                }
            }
            actions[r] = chosen;
        }
    }

    /// <inheritdoc />
    public void Mode(Span<double> actions)
    {
        CheckLength(actions, BatchSize);
        int[] best = Distribution.Mode();
        for (int r = 0; r < best.Length; r++) actions[r] = best[r];
    }

    private static void CheckLength(Span<double> actions, int rows)
    {
        if (actions.Length != rows)
            throw new ArgumentException($"CategoricalActions: expected an action buffer of {rows} x 1, got length {actions.Length}.", nameof(actions));
    }
}

/// <summary>Diagonal Gaussian actions over a Box space (unbounded samples; the env clips to its bounds).</summary>
public sealed class GaussianActions(Tensor mean, Tensor logStd) : IActionDistribution
{
    /// <summary>The underlying distribution.</summary>
    public DiagGaussian Distribution { get; } = new(mean, logStd);

    /// <inheritdoc />
    public int BatchSize => Distribution.Mean.Dim(0);

    private int ActionSize => Distribution.Mean.Dim(1);

    /// <inheritdoc />
    public Tensor LogProb(Tensor actions)
    {
        if (actions.Rank != 2 || actions.Dim(0) != BatchSize || actions.Dim(1) != ActionSize)
            throw new TensorException($"GaussianActions.LogProb: expected actions of shape ({BatchSize}, {ActionSize}), got {Tensor.Format(actions.Shape)}.");
        return Distribution.LogProb(actions.DType == Distribution.Mean.DType ? actions : actions.To(Distribution.Mean.DType));
    }

    /// <inheritdoc />
    public Tensor Entropy() => Distribution.Entropy();

    /// <inheritdoc />
    public Tensor Kl(IActionDistribution other) => other is GaussianActions g
        ? Distribution.Kl(g.Distribution)
        : throw new ArgumentException($"GaussianActions.Kl: expected another Gaussian, got {other.GetType().Name}.");

    /// <inheritdoc />
    public void Sample(Rng rng, Span<double> actions)
    {
        Mode(actions);
        double[] std = Distribution.Std.ToDoubleArray();
        int a = ActionSize;
        for (int i = 0; i < actions.Length; i++) actions[i] += std[std.Length == a ? i % a : i] * rng.Normal();
    }

    /// <inheritdoc />
    public void Mode(Span<double> actions)
    {
        if (actions.Length != BatchSize * ActionSize)
            throw new ArgumentException($"GaussianActions: expected an action buffer of {BatchSize} x {ActionSize}, got length {actions.Length}.", nameof(actions));
        if (Distribution.Mean.DType == DType.Float32)
        {
            ReadOnlySpan<float> m = Distribution.Mean.Span<float>();
            for (int i = 0; i < actions.Length; i++) actions[i] = m[i];
        }
        else
        {
            Distribution.Mean.Span<double>().CopyTo(actions);
        }
    }
}

/// <summary>A policy network pi(a | s): observations (B, ObservationSize) to a batch of action distributions.</summary>
public abstract class StochasticPolicy : Module
{
    /// <summary>Sets the sizes; subclasses build the layers.</summary>
    protected StochasticPolicy(int observationSize, Space actionSpace)
    {
        if (observationSize <= 0) throw new ArgumentException($"{GetType().Name}: expected a positive observation size, got {observationSize}.");
        ObservationSize = observationSize;
        ActionSpace = actionSpace ?? throw new ArgumentNullException(nameof(actionSpace));
    }

    /// <summary>Length of an observation.</summary>
    public int ObservationSize { get; }

    /// <summary>The env's action space.</summary>
    public Space ActionSpace { get; }

    /// <summary>Doubles per action row (1 for Discrete).</summary>
    public int ActionSize => ActionSpace.FlatSize;

    /// <summary>The action distributions for a batch of observations.</summary>
    public abstract IActionDistribution Distribution(Tensor observations);

    /// <summary>A policy for the env's action space: categorical for Discrete, Gaussian for Box.</summary>
    public static StochasticPolicy Create(int observationSize, Space actionSpace, NetworkConfig network, Rng rng,
        LogStdMode logStd = LogStdMode.StateIndependent, double initialLogStd = 0.0) => actionSpace switch
    {
        Discrete d => new CategoricalPolicy(observationSize, d, network, rng),
        Box b => new GaussianPolicy(observationSize, b, network, rng, logStd, initialLogStd),
        _ => throw new ArgumentException($"policy: unsupported action space {actionSpace.Describe()}; expected Discrete or Box."),
    };

    /// <summary>Checks an observation batch's shape.</summary>
    protected void CheckObservations(Tensor observations)
    {
        if (observations.Rank != 2 || observations.Dim(1) != ObservationSize)
            throw new TensorException($"{GetType().Name}: expected observations of shape (B, {ObservationSize}), got {Tensor.Format(observations.Shape)}.");
    }
}

/// <summary>Softmax policy over a Discrete space: an MLP gives the logits.</summary>
public sealed class CategoricalPolicy : StochasticPolicy
{
    private readonly Sequential network;

    /// <summary>An MLP observationSize -> hidden -> N logits.</summary>
    public CategoricalPolicy(int observationSize, Discrete actionSpace, NetworkConfig network, Rng rng) : base(observationSize, actionSpace)
    {
        network.Validate(nameof(CategoricalPolicy));
        this.network = RegisterModule("net", Networks.Mlp(observationSize, network, actionSpace.N, rng, outputGain: 0.01));
    }

    /// <summary>Logits (B, N).</summary>
    public override Tensor Forward(Tensor observations)
    {
        CheckObservations(observations);
        return network.Forward(observations);
    }

    /// <inheritdoc />
    public override IActionDistribution Distribution(Tensor observations) => new CategoricalActions(Forward(observations));
}

/// <summary>Diagonal Gaussian policy over a Box space: an MLP gives the mean; the log-std is a vector or a head.</summary>
public sealed class GaussianPolicy : StochasticPolicy
{
    private const double MinLogStd = -20, MaxLogStd = 2;
    private readonly Sequential network;
    private readonly Tensor? logStd;

    /// <summary>An MLP observationSize -> hidden -> mean (and log-std with <see cref="LogStdMode.StateDependent"/>).</summary>
    public GaussianPolicy(int observationSize, Box actionSpace, NetworkConfig network, Rng rng,
        LogStdMode logStdMode = LogStdMode.StateIndependent, double initialLogStd = 0.0) : base(observationSize, actionSpace)
    {
        network.Validate(nameof(GaussianPolicy));
        if (!double.IsFinite(initialLogStd)) throw new ArgumentOutOfRangeException(nameof(initialLogStd), initialLogStd, "expected a finite initial log-std");
        Mode = logStdMode;
        int a = actionSpace.FlatSize;
        int outputs = logStdMode == LogStdMode.StateDependent ? 2 * a : a;
        this.network = RegisterModule("net", Networks.Mlp(observationSize, network, outputs, rng, outputGain: 0.01));
        if (logStdMode == LogStdMode.StateIndependent) logStd = RegisterParameter("log_std", Tensor.Full(initialLogStd, DType.Float32, a));
    }

    /// <summary>How the log-std is represented.</summary>
    public LogStdMode Mode { get; }

    /// <summary>The mean (B, A).</summary>
    public override Tensor Forward(Tensor observations)
    {
        CheckObservations(observations);
        Tensor output = network.Forward(observations);
        return Mode == LogStdMode.StateDependent ? output.Narrow(1, 0, ActionSize) : output;
    }

    /// <inheritdoc />
    public override IActionDistribution Distribution(Tensor observations)
    {
        CheckObservations(observations);
        Tensor output = network.Forward(observations);
        if (Mode == LogStdMode.StateIndependent) return new GaussianActions(output, logStd!);
        int a = ActionSize;
        return new GaussianActions(output.Narrow(1, 0, a), output.Narrow(1, a, a).Clamp(MinLogStd, MaxLogStd));
    }
}

/// <summary>Builds the MLPs of policies and value functions with the initialization of <see cref="NetworkConfig"/>.</summary>
public static class Networks
{
    /// <summary>
    /// An MLP inputs -> config.Hidden -> outputs. With orthogonal initialization, hidden layers get gain sqrt(2) and
    /// the output layer <paramref name="outputGain"/>; biases start at zero.
    /// </summary>
    public static Sequential Mlp(int inputs, NetworkConfig config, int outputs, Rng rng, double outputGain)
    {
        Sequential mlp = Tensors.NN.Mlp.Create(inputs, config.Hidden, outputs, rng, config.Activation);
        if (!config.Orthogonal) return mlp;
        var linears = mlp.Layers.OfType<Linear>().ToArray();
        for (int i = 0; i < linears.Length; i++)
        {
            Init.Orthogonal(linears[i].Weight, rng, i == linears.Length - 1 ? outputGain : Math.Sqrt(2));
            linears[i].Bias?.Fill(0);
        }
        return mlp;
    }
}

/// <summary>State-value function V(s): an MLP to one output.</summary>
public sealed class ValueNetwork : Module
{
    private readonly Sequential network;

    /// <summary>An MLP observationSize -> hidden -> 1.</summary>
    public ValueNetwork(int observationSize, NetworkConfig network, Rng rng)
    {
        network.Validate(nameof(ValueNetwork));
        ObservationSize = observationSize > 0 ? observationSize : throw new ArgumentException($"ValueNetwork: expected a positive observation size, got {observationSize}.");
        this.network = RegisterModule("net", Networks.Mlp(observationSize, network, 1, rng, outputGain: 1.0));
    }

    /// <summary>Length of an observation.</summary>
    public int ObservationSize { get; }

    /// <summary>V(s) as (B, 1).</summary>
    public override Tensor Forward(Tensor observations)
    {
        if (observations.Rank != 2 || observations.Dim(1) != ObservationSize)
            throw new TensorException($"ValueNetwork: expected observations of shape (B, {ObservationSize}), got {Tensor.Format(observations.Shape)}.");
        return network.Forward(observations);
    }

    /// <summary>V(s) as (B,).</summary>
    public Tensor Values(Tensor observations) => Forward(observations).Reshape(-1);
}

/// <summary>
/// Action-value function Q(s, .) over a Discrete space: an MLP to one output per action, or with
/// dueling (Wang et al. 2016) a shared trunk with a value stream V(s) and an advantage stream
/// A(s, a), combined as Q = V + A - mean_a A.
/// </summary>
public sealed class QNetwork : Module
{
    private readonly Sequential? plain;
    private readonly Sequential? trunk;
    private readonly Linear? valueHead;
    private readonly Linear? advantageHead;

    /// <summary>Q over <paramref name="actions"/> actions.</summary>
    public QNetwork(int observationSize, int actions, NetworkConfig network, Rng rng, bool dueling = false)
    {
        network.Validate(nameof(QNetwork));
        if (observationSize <= 0 || actions <= 0)
            throw new ArgumentException($"QNetwork: expected positive observation and action counts, got {observationSize} and {actions}.");
        ObservationSize = observationSize;
        Actions = actions;
        Dueling = dueling;
        if (!dueling)
        {
            plain = RegisterModule("net", Networks.Mlp(observationSize, network, actions, rng, outputGain: 1.0));
            return;
        }
        if (network.Hidden.Count == 0) throw new ArgumentException("QNetwork: a dueling network needs at least one hidden layer for its shared trunk.");
        var trunkConfig = network with { Hidden = network.Hidden.Take(network.Hidden.Count - 1).ToArray() };
        int width = network.Hidden[^1];
        trunk = RegisterModule("trunk", Networks.Mlp(observationSize, trunkConfig, width, rng, outputGain: Math.Sqrt(2)));
        valueHead = RegisterModule("value", new Linear(width, 1, rng));
        advantageHead = RegisterModule("advantage", new Linear(width, actions, rng));
        Activation = network.Activation;
    }

    private Activation Activation { get; }

    /// <summary>Length of an observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Number of actions.</summary>
    public int Actions { get; }

    /// <summary>Whether the dueling architecture is used.</summary>
    public bool Dueling { get; }

    /// <summary>Q(s, a) for every action, (B, Actions).</summary>
    public override Tensor Forward(Tensor observations)
    {
        if (observations.Rank != 2 || observations.Dim(1) != ObservationSize)
            throw new TensorException($"QNetwork: expected observations of shape (B, {ObservationSize}), got {Tensor.Format(observations.Shape)}.");
        if (plain is not null) return plain.Forward(observations);
        Tensor features = ActivationLayer.Apply(Activation, trunk!.Forward(observations));
        Tensor advantage = advantageHead!.Forward(features);
        return valueHead!.Forward(features) + advantage - advantage.Mean(1, keepDim: true);
    }
}
