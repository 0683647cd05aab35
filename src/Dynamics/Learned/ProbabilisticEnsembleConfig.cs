using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Dynamics.Learned;

/// <summary>Settings of <see cref="ProbabilisticEnsemble"/>.</summary>
public sealed record ProbabilisticEnsembleConfig
{
    /// <summary>Number of members E. Default 5 (PETS).</summary>
    public int Members { get; init; } = 5;

    /// <summary>Number of elites K &lt;= E that predict, chosen by holdout MSE. Default 5 (all members, as PETS; MBPO keeps 5 of 7).</summary>
    public int Elites { get; init; } = 5;

    /// <summary>Widths of each member's hidden layers. Default [200, 200, 200].</summary>
    public int[] Hidden { get; init; } = [200, 200, 200];

    /// <summary>Activation after each hidden layer. Default tanh (smooth Jacobians for iLQR).</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>Adam step size. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Transitions per minibatch and member. Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Largest number of passes over the training part. Default 100.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Decoupled weight decay (AdamW) per unit learning rate. Default 1e-5.</summary>
    public double WeightDecay { get; init; } = 1e-5;

    /// <summary>Fraction of the transitions held out for early stopping and elite selection (0: no holdout, elites are the first K). Default 0.1.</summary>
    public double HoldoutFraction { get; init; } = 0.1;

    /// <summary>Epochs in which no member improves its holdout MSE by 0.1% before training stops. Default 5.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Whether each member trains on a bootstrap resample (with replacement) of the training part. Default true.</summary>
    public bool Bootstrap { get; init; } = true;

    /// <summary>Initial upper log-variance bound, in standardized units. Default 0.5 (PETS).</summary>
    public double InitialMaxLogVariance { get; init; } = 0.5;

    /// <summary>Initial lower log-variance bound, in standardized units. Default -10 (PETS).</summary>
    public double InitialMinLogVariance { get; init; } = -10;

    /// <summary>Weight of the penalty sum(max) - sum(min) on the learned bounds. Default 0.01 (PETS).</summary>
    public double BoundPenalty { get; init; } = 0.01;

    /// <summary>Standard deviations below this are replaced by 1 in the standardization. Default 1e-6.</summary>
    public double MinimumStd { get; init; } = 1e-6;

    /// <summary>Seed of the initial weights, split, bootstrap resamples and minibatch order. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Threads training members in parallel (members are independent; results do not depend on it); 0: as many as
    /// <see cref="TensorThreads.Current"/>, the calling thread's budget for the engine. While members train in parallel each matrix
    /// product uses one thread. Default 0.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>State entries that are angles, wrapped into (-pi, pi] at the network's input (e.g. [0] for the pendulum). Default none.</summary>
    public int[] PeriodicStates { get; init; } = [];

    /// <summary>Element type of the networks. Default float32.</summary>
    public DType Precision { get; init; } = DType.Float32;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    internal void Validate(string model)
    {
        ArgumentNullException.ThrowIfNull(Hidden);
        if (Members < 1) throw new ArgumentException($"{model}: expected at least one member, got {Members}.");
        if (Threads < 0) throw new ArgumentException($"{model}: expected Threads >= 0 (0: the engine's thread budget), got {Threads}.");
        if (Elites < 1 || Elites > Members) throw new ArgumentException($"{model}: expected elites in [1, {Members}], got {Elites}.");
        if (Hidden.Any(h => h < 1)) throw new ArgumentException($"{model}: expected hidden widths >= 1, got [{string.Join(", ", Hidden)}].");
        if (!(InitialMinLogVariance < InitialMaxLogVariance) || !double.IsFinite(InitialMinLogVariance) || !double.IsFinite(InitialMaxLogVariance))
            throw new ArgumentException($"{model}: expected finite log-variance bounds min < max, got [{InitialMinLogVariance}, {InitialMaxLogVariance}].");
        if (!(BoundPenalty >= 0) || double.IsInfinity(BoundPenalty)) throw new ArgumentException($"{model}: expected a finite bound penalty >= 0, got {BoundPenalty}.");
        LearnedConfigChecks.Training(model, LearningRate, BatchSize, Epochs, WeightDecay, HoldoutFraction, Patience, MinimumStd);
    }
}
