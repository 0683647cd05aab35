// A deterministic neural-network dynamics model, the "learn f_phi(x, u) to minimize sum ||f_phi(x_i, u_i) - x'_i||^2"
// step of model-based RL (the lecture notes "End-to-end Model Based Reinforcement Learning"): an MLP predicts the standardized state change (x' - x) from the standardized
// (x, u), trained by minibatch Adam on the mean squared error, with a holdout part of the data for early stopping.
// Once fitted it is an IDynamics (Jacobians by autodiff) and an IDifferentiableDynamics, so LQR, iLQR, CEM, MPPI
// and gradient shooting plan on it directly.
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Tensors;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.Dynamics.Learned;

/// <summary>
/// x' = x + mean_out + std_out * MLP((x, clip(u)) standardized): a deterministic learned model. Create it, call
/// <see cref="Fit"/> (again when more data comes: training continues from the current weights, with the
/// standardization recomputed), then use it as any <see cref="IDynamics"/>.
/// </summary>
public sealed class MlpDynamics : LearnedDynamics
{
    private const string Name = "MlpDynamics";
    private readonly MlpDynamicsConfig config;
    private readonly Sequential network;
    private readonly FrozenMlp frozen;
    private int fits;

    /// <summary>An unfitted model of n = <paramref name="stateSize"/> states and m = <paramref name="controlSize"/> controls, clipping controls to <paramref name="controlBounds"/>.</summary>
    public MlpDynamics(int stateSize, int controlSize, Box controlBounds, MlpDynamicsConfig? config = null, double timeStep = 1.0)
        : base(Name, stateSize, controlSize, controlBounds, timeStep, (config ?? new MlpDynamicsConfig()).Precision, (config ?? new MlpDynamicsConfig()).PeriodicStates)
    {
        this.config = config ?? new MlpDynamicsConfig();
        this.config.Validate(Name);
        network = Mlp.Create(stateSize + controlSize, this.config.Hidden, stateSize, new Rng(this.config.Seed).Fork(0),
            this.config.Activation, Activation.Identity, this.config.Precision);
        frozen = new FrozenMlp(network);
    }

    /// <summary>The settings.</summary>
    public MlpDynamicsConfig Config => config;

    /// <summary>The trained network (standardized (x, u) to standardized x' - x); its parameters are the model's.</summary>
    public Module Network => network;

    /// <inheritdoc />
    protected override Tensor MeanDelta(Tensor z) => frozen.Forward(z);

    /// <summary>
    /// Writes what a resumed run needs to continue exactly as if it had not stopped: the weights, the last fit's
    /// standardization and the number of fits (each fit's generator derives from it).
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(fits);
        writer.Write(IsFitted);
        double[] weights = network.FlattenParameters().ToDoubleArray();
        writer.Write(weights.Length);
        foreach (double w in weights) writer.Write(w);
        WriteScaling(writer);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote, into a model made with the same sizes and config.</summary>
    /// <exception cref="InvalidDataException">The stored weights do not fit this model.</exception>
    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int storedFits = reader.ReadInt32();
        bool fitted = reader.ReadBoolean();
        int count = reader.ReadInt32();
        int expected = network.Parameters().Sum(p => p.Size);
        if (count != expected || storedFits < 0)
            throw new InvalidDataException($"{Name}: expected {expected} weights and a non-negative fit count, got {count} weights and {storedFits} fits");
        var weights = new double[count];
        for (int i = 0; i < count; i++) weights[i] = reader.ReadDouble();
        using (TensorScope.Suspend()) network.LoadFlatParameters(Tensor.FromArray(weights, count).To(Precision));
        fits = storedFits;
        if (!fitted) return;
        (Standardization input, Standardization output) = ReadScaling(reader);
        SetScaling(input, output);
    }

    /// <summary>
    /// Trains on <paramref name="count"/> transitions: <paramref name="states"/> (count x n), <paramref name="controls"/>
    /// (count x m), <paramref name="nextStates"/> (count x n), row-major. Throws <see cref="InvalidTransitionDataException"/>
    /// on wrong lengths or non-finite values, <see cref="InvalidOperationException"/> if the loss becomes non-finite.
    /// </summary>
    public FitReport Fit(ReadOnlySpan<double> states, ReadOnlySpan<double> controls, ReadOnlySpan<double> nextStates, int count)
    {
        var clock = Stopwatch.StartNew();
        Rng rng = new Rng(config.Seed).Fork(1 + fits++);
        var data = new TransitionSet(Name, states, controls, nextStates, count, StateSize, ControlSize, ControlBounds,
            config.HoldoutFraction, config.MinimumStd, rng.Split(), Periodic);
        var optimizer = Adam.AdamW(network.Parameters(), new AdamConfig { LearningRate = config.LearningRate, WeightDecay = config.WeightDecay });
        var batches = new MinibatchTensors(data, config.BatchSize, Precision);
        var stopping = new EarlyStopping(network, config.Patience);
        int[] order = (int[])data.TrainRows.Clone();
        var trainLoss = new List<double>();
        var holdoutLoss = new List<double>();

        for (int epoch = 1; epoch <= config.Epochs; epoch++)
        {
            // ---- one pass over the training part in shuffled minibatches
            TransitionSet.Shuffle(order, rng);
            double sum = 0;
            for (int start = 0; start < order.Length; start += config.BatchSize)
            {
                (Tensor z, Tensor y) = batches.Load(order.AsSpan(start, Math.Min(config.BatchSize, order.Length - start)));
                using TensorScope scope = TensorScope.Begin();
                Tensor loss = Loss.Mse(network.Forward(z), y);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                sum += loss.Item() * z.Dim(0);
            }
            trainLoss.Add(sum / order.Length);
            if (!double.IsFinite(trainLoss[^1]))
                throw new InvalidOperationException($"{Name}: the training loss became {trainLoss[^1]} in epoch {epoch}; lower the learning rate (now {config.LearningRate}).");

            // ---- holdout evaluation and early stopping
            if (batches.HoldoutInputs is null) continue;
            double mse;
            using (TensorScope.Begin())
            using (Autograd.NoGrad())
                mse = Loss.Mse(network.Forward(batches.HoldoutInputs), batches.HoldoutTargets!).Item();
            holdoutLoss.Add(mse);
            stopping.Observe(mse, epoch);
            if (stopping.Stalled) break;
        }
        if (batches.HoldoutInputs is not null) stopping.Restore();
        SetScaling(data.InputScaling, data.OutputScaling);
        return new FitReport
        {
            Epochs = trainLoss.Count,
            TrainLoss = [.. trainLoss],
            HoldoutLoss = [.. holdoutLoss],
            HoldoutMse = [.. holdoutLoss],
            MemberHoldoutMse = [batches.HoldoutInputs is null ? double.NaN : stopping.BestLoss],
            Elites = [0],
            TrainCount = data.TrainRows.Length,
            HoldoutCount = data.HoldoutRows.Length,
            WallTime = clock.Elapsed,
        };
    }
}
