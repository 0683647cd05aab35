using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Dynamics.Learned;

/// <summary>Settings of <see cref="MlpDynamics"/>.</summary>
public sealed record MlpDynamicsConfig
{
    /// <summary>Widths of the hidden layers (empty: a linear model). Default [200, 200]: enough for the analytic robots, fast to fit on two cores.</summary>
    public int[] Hidden { get; init; } = [200, 200];

    /// <summary>Activation after each hidden layer. Default tanh: smooth, so Jacobians (and iLQR on them) change smoothly with the state.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Adam step size. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Transitions per minibatch. Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Largest number of passes over the training part. Default 100.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Decoupled weight decay (AdamW) per unit learning rate. Default 1e-5.</summary>
    public double WeightDecay { get; init; } = 1e-5;

    /// <summary>Fraction of the transitions held out for early stopping (0: train all epochs, no holdout). Default 0.1.</summary>
    public double HoldoutFraction { get; init; } = 0.1;

    /// <summary>Epochs without a holdout improvement of at least 0.1% before training stops. Default 5.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Standard deviations below this are replaced by 1 in the standardization (constant dimensions are only centred). Default 1e-6.</summary>
    public double MinimumStd { get; init; } = 1e-6;

    /// <summary>Seed of the initial weights, the holdout split and the minibatch order. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>State entries that are angles, wrapped into (-pi, pi] at the network's input (e.g. [0] for the pendulum). Default none.</summary>
    public int[] PeriodicStates { get; init; } = [];

    /// <summary>Element type of the network. Default float32 (fast); float64 for precise derivative checks.</summary>
    public DType Precision { get; init; } = DType.Float32;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    internal void Validate(string model)
    {
        ArgumentNullException.ThrowIfNull(Hidden);
        if (Hidden.Any(h => h < 1)) throw new ArgumentException($"{model}: expected hidden widths >= 1, got [{string.Join(", ", Hidden)}].");
        LearnedConfigChecks.Training(model, LearningRate, BatchSize, Epochs, WeightDecay, HoldoutFraction, Patience, MinimumStd);
    }
}
