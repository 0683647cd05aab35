// Behaviour cloning: a policy fitted by supervised learning to the actions an expert took (Pomerleau 1989, "ALVINN: An
// Autonomous Land Vehicle in a Neural Network"; the learner that DAgger refits each round, Ross, Gordon & Bagnell 2011,
// "A Reduction of Imitation Learning and Structured Prediction to No-Regret Online Learning"). The fit, in order:
//   observations  standardized by the data's mean and variance, frozen into the policy's ObservationNormalizer (Box), or
//                 one-hot cells (Discrete)
//   Box actions   standardized by the data's mean mu and standard deviation s while training; afterwards the scaling is
//                 folded into the last layer (W' = diag(s) W, b' = s b + mu; log-std' = log-std + log s), so the policy
//                 reads raw observations and writes raw actions, as every InferencePolicy does
//   loss          least squares (deterministic head), Gaussian negative log-likelihood per action value (Gaussian head),
//                 cross-entropy of the logits (Discrete actions), cross-entropy per action value of its levels' logits
//                 against the nearest level (binned head)
//   optimizer     Adam on shuffled minibatches of the training rows; after each epoch the loss on a random holdout part;
//                 training stops after Patience epochs without improvement and keeps the weights of the best epoch
//   companions    rows made from a labelled row (DAgger's feedback rows and mirror images) train with it and are left
//                 out of training when it is held out: the holdout is drawn from the labelled rows alone and measures
//                 the fit on them
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;
using Control.Policies.Common;
using Control.Policies.OnPolicy;
using Control.Tensors;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.Policies.Imitation;

/// <summary>Fits an <see cref="InferencePolicy"/> to (observation, action) pairs.</summary>
public static class BehaviourCloning
{
    /// <summary>The algorithm's name, as on the command line and in checkpoints.</summary>
    public const string Name = "bc";

    /// <summary>
    /// Fits a policy to <paramref name="observations"/> (n x <paramref name="observationSpace"/>.FlatSize, row-major) and
    /// <paramref name="actions"/> (n x <paramref name="actionSpace"/>.FlatSize; a Discrete action is its index) from an
    /// expert or a dataset. The policy acts on raw observations of that space and clips to a Box's bounds; it is
    /// deterministic, Gaussian or binned on a Box (<see cref="BehaviourCloningConfig.Head"/>) and categorical (argmax over
    /// logits) on a Discrete space. Same data, config and <paramref name="seed"/> (weights, holdout split, minibatch
    /// order), same policy.
    /// </summary>
    /// <returns>The policy at the epoch of the lowest holdout loss, that loss, and the learning curves.</returns>
    /// <exception cref="ArgumentException">The lengths do not fit the spaces, a value is not finite, a Discrete value is not an index of its space, a space is neither Box nor Discrete, or the config is out of range.</exception>
    /// <exception cref="NonFiniteLossException">The training loss became NaN or infinite.</exception>
    public static BehaviourCloningResult Fit(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, Space observationSpace, Space actionSpace,
        BehaviourCloningConfig config, long seed) => Fit(observations, actions, observationSpace, actionSpace, config, seed, []);

    /// <summary>
    /// <see cref="Fit(ReadOnlySpan{double}, ReadOnlySpan{double}, Space, Space, BehaviourCloningConfig, long)"/> where the
    /// last <paramref name="companionOf"/>.Length rows are companions of labelled rows (row count - companions + k was
    /// made around labelled row companionOf[k], as DAgger's feedback rows are): the holdout is a random part of the
    /// labelled rows, and a held-out row's companions are left out of training too.
    /// </summary>
    /// <exception cref="ArgumentException">As the plain fit, or a companion naming no labelled row.</exception>
    public static BehaviourCloningResult Fit(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, Space observationSpace, Space actionSpace,
        BehaviourCloningConfig config, long seed, ReadOnlySpan<int> companionOf)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var clock = Stopwatch.StartNew();
        int count = CheckData(observations, actions, observationSpace, actionSpace);
        int labelled = count - companionOf.Length;
        if (labelled <= 0)
            throw new ArgumentException($"{Name}: expected fewer companion rows than rows, got {companionOf.Length} companions of {count} rows.");
        for (int k = 0; k < companionOf.Length; k++)
        {
            if ((uint)companionOf[k] >= (uint)labelled)
                throw new ArgumentException($"{Name}: expected companion {k} to name a labelled row in [0, {labelled - 1}], got {companionOf[k]}.");
        }
        int n = observationSpace.FlatSize, a = actionSpace.FlatSize;
        var rng = new Rng(seed);

        // ---- holdout split: a random Floor(fraction n) of the labelled rows (none when that is zero); their companions
        //      neither train nor count in the holdout loss
        int[] order = new int[labelled];
        for (int i = 0; i < labelled; i++) order[i] = i;
        ValueFitting.Shuffle(order, rng.Fork(1));
        int[] holdoutRows = order[..(int)Math.Floor(labelled * config.HoldoutFraction)];
        var heldOut = new bool[labelled];
        foreach (int row in holdoutRows) heldOut[row] = true;
        var trainList = new List<int>(count - holdoutRows.Length);
        trainList.AddRange(order.AsSpan(holdoutRows.Length));
        for (int k = 0; k < companionOf.Length; k++)
            if (!heldOut[companionOf[k]]) trainList.Add(labelled + k);
        int[] trainRows = [.. trainList];

        // ---- inputs: normalized observations (Box) or one-hot cells (Discrete)
        ObservationEncoding encoding = observationSpace is Discrete ? ObservationEncoding.OneHot : ObservationEncoding.Values;
        ObservationNormalizer? normalizer = encoding == ObservationEncoding.Values && config.NormalizeObservations ? Normalizer(observations, n) : null;
        int width = observationSpace is Discrete cells ? cells.N : n;
        float[] inputs = Encode(observations, n, width, normalizer);

        // ---- targets: standardized actions (Box), the nearest level's index (Box, binned) or class indices (Discrete)
        bool binned = actionSpace is Box && config.Head == ImitationHead.Binned;
        double[] levels = binned ? Levels((Box)actionSpace, config.Levels) : [];
        int levelCount = config.Levels.Count;
        (double[] shift, double[] scale) = actionSpace is Box && !binned ? ActionScaling(actions, a) : ([], []);
        float[] targets = new float[actions.Length];
        for (int i = 0; i < actions.Length; i++)
        {
            targets[i] = (float)(binned ? NearestLevel(levels.AsSpan(i % a * levelCount, levelCount), actions[i])
                : actionSpace is Box ? (actions[i] - shift[i % a]) / scale[i % a] : actions[i]);
        }

        // ---- the network being trained
        Rng init = rng.Fork(0);
        Module model = actionSpace switch
        {
            Discrete d => new CategoricalPolicy(width, d, config.Network, init),
            Box box when config.Head == ImitationHead.Gaussian => new GaussianPolicy(width, box, config.Network, init, LogStdMode.StateIndependent, config.InitialLogStd),
            _ => Networks.Mlp(width, config.Network, binned ? a * levelCount : a, init, outputGain: 0.01),
        };
        var optimizer = new Adam(model.Parameters(), new AdamConfig { LearningRate = config.LearningRate });
        var stopping = new EarlyStopping(model, config.Patience);
        var trainLoss = new List<double>();
        var holdoutLoss = new List<double>();
        var seconds = new List<double>();
        Rng shuffle = rng.Fork(2);

        for (int epoch = 1; epoch <= config.Epochs; epoch++)
        {
            // ---- one pass over the training rows in shuffled minibatches
            ValueFitting.Shuffle(trainRows, shuffle);
            double sum = 0;
            for (int start = 0; start < trainRows.Length; start += config.BatchSize)
            {
                ReadOnlySpan<int> rows = trainRows.AsSpan(start, Math.Min(config.BatchSize, trainRows.Length - start));
                using TensorScope scope = TensorScope.Begin();
                Tensor loss = Objective(model, inputs, width, targets, a, binned ? levelCount : 0, rows);
                double value = NonFiniteLossException.Check(Name, epoch - 1, "training loss", loss.Item());
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                sum += value * rows.Length;
            }
            trainLoss.Add(sum / trainRows.Length);
            seconds.Add(clock.Elapsed.TotalSeconds);

            // ---- holdout loss and early stopping
            if (holdoutRows.Length == 0) continue;
            double holdout;
            using (TensorScope.Begin())
            using (Autograd.NoGrad())
                holdout = NonFiniteLossException.Check(Name, epoch - 1, "holdout loss", Objective(model, inputs, width, targets, a, binned ? levelCount : 0, holdoutRows).Item());
            holdoutLoss.Add(holdout);
            seconds[^1] = clock.Elapsed.TotalSeconds;
            stopping.Observe(holdout, epoch);
            if (stopping.Stalled) break;
        }
        if (holdoutRows.Length > 0) stopping.Restore();

        (InferenceNetwork network, ActionHead head) = binned
            ? (new InferenceNetwork(InferenceNetwork.LayersOf((Sequential)model)), ActionHead.Binned(a, levels))
            : Inference(model, actionSpace, shift, scale);
        var policy = new InferencePolicy(n, encoding, normalizer, network, head, actionSpace);
        return new BehaviourCloningResult(policy, holdoutRows.Length > 0 ? stopping.BestLoss : double.NaN,
            holdoutRows.Length > 0 ? stopping.BestEpoch : trainLoss.Count, trainLoss, holdoutLoss, trainRows.Length, holdoutRows.Length, seconds);
    }

    /// <summary>Fits a policy to the rows of <paramref name="data"/>, as <see cref="Fit(ReadOnlySpan{double}, ReadOnlySpan{double}, Space, Space, BehaviourCloningConfig, long)"/>.</summary>
    public static BehaviourCloningResult Fit(ImitationDataset data, Space observationSpace, Space actionSpace, BehaviourCloningConfig config, long seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.Observations, data.Actions, observationSpace, actionSpace, config, seed);
    }

    /// <summary>
    /// Fits a policy to the rows of <paramref name="labelled"/> and their <paramref name="companions"/> (companion row k made
    /// around labelled row <paramref name="companionOf"/>[k]), held out together (<see cref="Fit(ReadOnlySpan{double}, ReadOnlySpan{double}, Space, Space, BehaviourCloningConfig, long, ReadOnlySpan{int})"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The companions and their sources differ in count, or as the span fit.</exception>
    public static BehaviourCloningResult Fit(ImitationDataset labelled, ImitationDataset companions, IReadOnlyList<int> companionOf, Space observationSpace,
        Space actionSpace, BehaviourCloningConfig config, long seed)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        ArgumentNullException.ThrowIfNull(companions);
        ArgumentNullException.ThrowIfNull(companionOf);
        if (companionOf.Count != companions.Count)
            throw new ArgumentException($"{Name}: expected a labelled row for each of the {companions.Count} companion rows, got {companionOf.Count}.");
        if (companions.ObservationSize != labelled.ObservationSize || companions.ActionSize != labelled.ActionSize)
            throw new ArgumentException($"{Name}: expected companion rows of the labelled rows' sizes ({labelled.ObservationSize} -> {labelled.ActionSize}), got {companions.ObservationSize} -> {companions.ActionSize}.");
        return Fit([.. labelled.Observations, .. companions.Observations], [.. labelled.Actions, .. companions.Actions], observationSpace, actionSpace, config, seed, [.. companionOf]);
    }

    /// <summary>
    /// Fits a policy to the (state, control) pairs of a transition dataset, the states read as observations of
    /// <paramref name="observationSpace"/>: cloning the behaviour that collected it.
    /// </summary>
    public static BehaviourCloningResult Fit(TransitionDataset data, Space observationSpace, Space actionSpace, BehaviourCloningConfig config, long seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.States, data.Controls, observationSpace, actionSpace, config, seed);
    }

    // The fit's mean loss on `rows`: cross-entropy (categorical policies, and per action over its `levels` logits when the
    // head is binned), the Gaussian's negative log-likelihood per action value, or least squares.
    private static Tensor Objective(Module model, float[] inputs, int width, float[] targets, int a, int levels, ReadOnlySpan<int> rows)
    {
        Tensor x = Gather(inputs, width, rows);
        switch (model)
        {
            case CategoricalPolicy categorical:
                return Loss.CrossEntropy(categorical.Forward(x), Classes(targets, 1, 0, rows));
            case GaussianPolicy gaussian:
                return gaussian.Distribution(x).LogProb(Gather(targets, a, rows)).Mean().Neg() / a;
            case Sequential network when levels > 0:
                Tensor logits = network.Forward(x);
                Tensor loss = Loss.CrossEntropy(logits.Narrow(1, 0, levels), Classes(targets, a, 0, rows));
                for (int i = 1; i < a; i++) loss = loss + Loss.CrossEntropy(logits.Narrow(1, i * levels, levels), Classes(targets, a, i, rows));
                return loss / a;
            default:
                return Loss.Mse(((Sequential)model).Forward(x), Gather(targets, a, rows));
        }
    }

    // The class index of value `index` of each row (of `width` per row) in `rows`.
    private static int[] Classes(float[] targets, int width, int index, ReadOnlySpan<int> rows)
    {
        var classes = new int[rows.Length];
        for (int r = 0; r < rows.Length; r++) classes[r] = (int)targets[rows[r] * width + index];
        return classes;
    }

    // The levels of each action value of `box` (actions x positions, row-major): position f in [-1, 1] of its range.
    private static double[] Levels(Box box, IReadOnlyList<double> positions)
    {
        int a = box.FlatSize, k = positions.Count;
        var levels = new double[a * k];
        for (int i = 0; i < a; i++)
        {
            double low = box.Low[i], high = box.High[i];
            if (!(high > low) || !double.IsFinite(high - low))
                throw new ArgumentException($"{Name}: the binned head places its levels inside each action's bounds, which must be finite, ordered and apart; action {i} has bounds [{low}, {high}].");
            for (int j = 0; j < k; j++) levels[i * k + j] = 0.5 * (low + high) + 0.5 * (high - low) * positions[j];
        }
        return levels;
    }

    // The index of the level nearest to `value` (the lower of two as near).
    private static int NearestLevel(ReadOnlySpan<double> levels, double value)
    {
        int best = 0;
        for (int j = 1; j < levels.Length; j++)
            if (Math.Abs(levels[j] - value) < Math.Abs(levels[best] - value)) best = j;
        return best;
    }

    private static Tensor Gather(float[] source, int width, ReadOnlySpan<int> rows)
    {
        Tensor t = Tensor.Zeros(DType.Float32, rows.Length, width);
        Span<float> d = t.Span<float>();
        for (int k = 0; k < rows.Length; k++) source.AsSpan(rows[k] * width, width).CopyTo(d.Slice(k * width, width));
        return t;
    }

    // The trained network and head in raw action units.
    private static (InferenceNetwork, ActionHead) Inference(Module model, Space actionSpace, double[] shift, double[] scale)
    {
        switch (model)
        {
            case CategoricalPolicy categorical:
                return categorical.ToNetworkAndHead();
            case GaussianPolicy gaussian:
                (InferenceNetwork network, ActionHead head) = gaussian.ToNetworkAndHead();
                var logStd = new float[scale.Length];
                for (int i = 0; i < scale.Length; i++) logStd[i] = (float)(head.LogStd[i] + Math.Log(scale[i]));
                return (Unstandardize(network, shift, scale), ActionHead.GaussianMean(scale.Length, Tensor.FromArray(logStd, scale.Length)));
            default:
                var deterministic = new InferenceNetwork(InferenceNetwork.LayersOf((Sequential)model));
                return (Unstandardize(deterministic, shift, scale), ActionHead.Deterministic(actionSpace.FlatSize));
        }
    }

    // The last layer followed by y = shift + scale y: W' = diag(scale) W, b' = scale b + shift.
    private static InferenceNetwork Unstandardize(InferenceNetwork network, double[] shift, double[] scale)
    {
        var layers = network.Layers.ToList();
        DenseLayer last = layers[^1];
        int outputs = last.Outputs, inputs = last.Inputs;
        var weight = new float[outputs * inputs];
        var bias = new float[outputs];
        for (int i = 0; i < outputs; i++)
        {
            for (int j = 0; j < inputs; j++) weight[i * inputs + j] = (float)(scale[i] * last.Weight[i * inputs + j]);
            bias[i] = (float)(shift[i] + scale[i] * (last.HasBias ? last.Bias[i] : 0));
        }
        layers[^1] = new DenseLayer(Tensor.FromArray(weight, outputs, inputs), Tensor.FromArray(bias, outputs), last.Activation);
        return new InferenceNetwork(layers);
    }

    // The data's mean and (population) variance per feature.
    private static ObservationNormalizer Normalizer(ReadOnlySpan<double> observations, int n)
    {
        (double[] mean, double[] variance) = Moments(observations, n);
        return new ObservationNormalizer(mean, variance);
    }

    // Mean and standard deviation per action value; a (numerically) constant value is only centred.
    private static (double[] Shift, double[] Scale) ActionScaling(ReadOnlySpan<double> actions, int a)
    {
        (double[] mean, double[] variance) = Moments(actions, a);
        var scale = new double[a];
        for (int i = 0; i < a; i++)
        {
            double std = Math.Sqrt(variance[i]);
            scale[i] = std > 1e-6 * Math.Max(1, Math.Abs(mean[i])) ? std : 1;
        }
        return (mean, scale);
    }

    private static (double[] Mean, double[] Variance) Moments(ReadOnlySpan<double> rows, int width)
    {
        int count = rows.Length / width;
        var mean = new double[width];
        var variance = new double[width];
        for (int r = 0; r < count; r++)
        {
            for (int j = 0; j < width; j++) mean[j] += rows[r * width + j] / count;
        }
        for (int r = 0; r < count; r++)
        {
            for (int j = 0; j < width; j++) variance[j] += (rows[r * width + j] - mean[j]) * (rows[r * width + j] - mean[j]) / count;
        }
        return (mean, variance);
    }

    private static float[] Encode(ReadOnlySpan<double> observations, int n, int width, ObservationNormalizer? normalizer)
    {
        int count = observations.Length / n;
        var inputs = new float[count * width];
        if (width != n)
        {
            for (int r = 0; r < count; r++) inputs[r * width + (int)observations[r]] = 1f;
        }
        else if (normalizer is not null)
        {
            normalizer.Apply(observations, inputs);
        }
        else
        {
            for (int i = 0; i < observations.Length; i++) inputs[i] = (float)observations[i];
        }
        return inputs;
    }

    // The number of rows; throws unless the data fit the spaces.
    private static int CheckData(ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, Space observationSpace, Space actionSpace)
    {
        if (observationSpace is not (Box or Discrete) || actionSpace is not (Box or Discrete))
            throw new ArgumentException($"{Name}: expected Box or Discrete spaces, got observations {observationSpace.Describe()} and actions {actionSpace.Describe()}.");
        int n = observationSpace.FlatSize, a = actionSpace.FlatSize;
        if (observations.Length == 0 || observations.Length % n != 0 || actions.Length != observations.Length / n * a)
        {
            throw new ArgumentException(
                $"{Name}: expected at least one row, observations of rows of {n} values ({observationSpace.Describe()}) and as many rows of {a} action values ({actionSpace.Describe()}), got {observations.Length} and {actions.Length} values.");
        }
        CheckValues("observation", observations, observationSpace);
        CheckValues("action", actions, actionSpace);
        return observations.Length / n;
    }

    private static void CheckValues(string what, ReadOnlySpan<double> values, Space space)
    {
        int width = space.FlatSize;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v))
                throw new ArgumentException($"{Name}: expected finite {what} values, got {v} in row {i / width}, column {i % width}.");
            if (space is Discrete d && (v != Math.Floor(v) || v < 0 || v >= d.N))
                throw new ArgumentException($"{Name}: expected {what}s that are indices in [0, {d.N - 1}] of {space.Describe()}, got {v} in row {i / width}.");
        }
    }
}
