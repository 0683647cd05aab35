// A probabilistic ensemble (PETS: Chua et al. 2018, "Deep Reinforcement Learning in a Handful of Trials using
// Probabilistic Dynamics Models"). E networks each output a Gaussian over the standardized state change: a mean
// and a log-variance, the latter kept between learned bounds by soft clamps
//   logvar = max - softplus(max - raw),   logvar = min + softplus(logvar - min),
// and trained with the Gaussian negative log-likelihood plus a small penalty 0.01 (sum max - sum min) that keeps
// the bounds tight. Each member sees its own bootstrap resample of the training part (epistemic spread); a shared
// holdout part drives early stopping (each member keeps its best epoch) and elite selection (the K members of
// lowest holdout MSE). As an IDynamics the model is the mean of the elites' means; for trajectory sampling it
// draws next states from one member's Gaussian: TS1 picks a random elite at every step, TS-infinity fixes one
// per particle (DrawElites then SampleBatch).
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Core.Threading;
using Control.Tensors;
using Control.Tensors.NN;
using Control.Tensors.Optim;

namespace Control.Dynamics.Learned;

/// <summary>
/// An ensemble of Gaussian MLPs over the standardized state change. Create it, <see cref="Fit"/> it, then plan on
/// it as an <see cref="IDynamics"/> (the elites' mean) or sample trajectories from it with
/// <see cref="DrawElites"/>, <see cref="SampleBatch"/> and <see cref="PredictMember"/>.
/// </summary>
public sealed class ProbabilisticEnsemble : LearnedDynamics
{
    private const string Name = "ProbabilisticEnsemble";
    private readonly ProbabilisticEnsembleConfig config;
    private readonly GaussianMember[] members;
    private int[] elites;
    private int fits;

    /// <summary>An unfitted ensemble of n = <paramref name="stateSize"/> states and m = <paramref name="controlSize"/> controls, clipping controls to <paramref name="controlBounds"/>.</summary>
    public ProbabilisticEnsemble(int stateSize, int controlSize, Box controlBounds, ProbabilisticEnsembleConfig? config = null, double timeStep = 1.0)
        : base(Name, stateSize, controlSize, controlBounds, timeStep, (config ?? new ProbabilisticEnsembleConfig()).Precision, (config ?? new ProbabilisticEnsembleConfig()).PeriodicStates)
    {
        this.config = config ?? new ProbabilisticEnsembleConfig();
        this.config.Validate(Name);
        var rng = new Rng(this.config.Seed);
        members = new GaussianMember[this.config.Members];
        for (int e = 0; e < members.Length; e++) members[e] = new GaussianMember(stateSize, controlSize, this.config, rng.Fork(e));
        elites = Enumerable.Range(0, this.config.Elites).ToArray();
    }

    /// <summary>The settings.</summary>
    public ProbabilisticEnsembleConfig Config => config;

    /// <summary>Number of members E.</summary>
    public int MemberCount => members.Length;

    /// <summary>Indices of the elite members, best holdout MSE first.</summary>
    public IReadOnlyList<int> Elites => elites;

    /// <summary>Member <paramref name="index"/>'s parameters (network weights, then the log-variance bounds).</summary>
    public Module Member(int index) => members[CheckMember(index)];

    /// <inheritdoc />
    protected override Tensor MeanDelta(Tensor z)
    {
        Tensor sum = members[elites[0]].MeanFrozen(z);
        for (int k = 1; k < elites.Length; k++) sum = sum + members[elites[k]].MeanFrozen(z);
        return elites.Length == 1 ? sum : sum * (1.0 / elites.Length);
    }

    /// <summary>
    /// The tensor step (as <see cref="LearnedDynamics.Step(Tensor, Tensor)"/>) of member <paramref name="member"/>'s mean
    /// alone: a policy trained through randomly drawn members cannot exploit the errors of any one of them (ME-TRPO).
    /// </summary>
    public Tensor StepMember(Tensor x, Tensor u, int member)
    {
        GaussianMember network = members[CheckMember(member)];
        return StepWith(x, u, network.MeanFrozen);
    }

    // ------------------------------------------------------------------ resuming

    /// <summary>
    /// Writes what a resumed run needs to continue exactly as if it had not stopped: every member's weights and
    /// log-variance bounds, the elites, the last fit's standardization and the number of fits (each fit's generator
    /// derives from it).
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(fits);
        writer.Write(IsFitted);
        writer.Write(members.Length);
        foreach (GaussianMember member in members)
        {
            double[] weights = member.FlattenParameters().ToDoubleArray();
            writer.Write(weights.Length);
            foreach (double w in weights) writer.Write(w);
        }
        writer.Write(elites.Length);
        foreach (int e in elites) writer.Write(e);
        WriteScaling(writer);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote, into an ensemble made with the same sizes and config.</summary>
    /// <exception cref="InvalidDataException">The stored members, weights or elites do not fit this ensemble.</exception>
    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int storedFits = reader.ReadInt32();
        bool fitted = reader.ReadBoolean();
        int count = reader.ReadInt32();
        if (count != members.Length || storedFits < 0)
            throw new InvalidDataException($"{Name}: expected {members.Length} members and a non-negative fit count, got {count} members and {storedFits} fits");
        var weights = new double[count][];
        for (int e = 0; e < count; e++)
        {
            int length = reader.ReadInt32();
            int expected = members[e].Parameters().Sum(p => p.Size);
            if (length != expected) throw new InvalidDataException($"{Name}: expected {expected} weights of member {e}, got {length}");
            weights[e] = new double[length];
            for (int i = 0; i < length; i++) weights[e][i] = reader.ReadDouble();
        }
        int eliteCount = reader.ReadInt32();
        if (eliteCount != config.Elites) throw new InvalidDataException($"{Name}: expected {config.Elites} elites, got {eliteCount}");
        var storedElites = new int[eliteCount];
        for (int k = 0; k < eliteCount; k++)
        {
            storedElites[k] = reader.ReadInt32();
            if (storedElites[k] < 0 || storedElites[k] >= members.Length)
                throw new InvalidDataException($"{Name}: expected elite indices in [0, {members.Length}), got {storedElites[k]}");
        }
        (Standardization Input, Standardization Output)? scaling = fitted ? ReadScaling(reader) : null;
        using (TensorScope.Suspend())
        {
            for (int e = 0; e < count; e++) members[e].LoadFlatParameters(Tensor.FromArray(weights[e], weights[e].Length).To(Precision));
        }
        fits = storedFits;
        elites = storedElites;
        if (scaling is { } stored) SetScaling(stored.Input, stored.Output);
    }

    // ------------------------------------------------------------------ fitting

    /// <summary>
    /// Trains every member on <paramref name="count"/> transitions: <paramref name="states"/> (count x n),
    /// <paramref name="controls"/> (count x m), <paramref name="nextStates"/> (count x n), row-major; then selects the
    /// elites. Throws <see cref="InvalidTransitionDataException"/> on wrong lengths or non-finite values and
    /// <see cref="InvalidOperationException"/> if a loss becomes non-finite.
    /// </summary>
    public FitReport Fit(ReadOnlySpan<double> states, ReadOnlySpan<double> controls, ReadOnlySpan<double> nextStates, int count)
    {
        var clock = Stopwatch.StartNew();
        Rng rng = new Rng(config.Seed).Fork(1000 + fits++);
        var data = new TransitionSet(Name, states, controls, nextStates, count, StateSize, ControlSize, ControlBounds,
            config.HoldoutFraction, config.MinimumStd, rng.Split(), Periodic);
        var batches = new MinibatchTensors(data, config.BatchSize, Precision);
        int train = data.TrainRows.Length;
        var optimizers = new Adam[members.Length];
        var stopping = new EarlyStopping[members.Length];
        var orders = new int[members.Length][];
        for (int e = 0; e < members.Length; e++)
        {
            optimizers[e] = Adam.AdamW(members[e].Parameters(), new AdamConfig { LearningRate = config.LearningRate, WeightDecay = config.WeightDecay });
            stopping[e] = new EarlyStopping(members[e], config.Patience);
            orders[e] = config.Bootstrap
                ? Enumerable.Range(0, train).Select(_ => data.TrainRows[rng.NextInt(train)]).ToArray()
                : (int[])data.TrainRows.Clone();
        }
        var trainLoss = new List<double>();
        var holdoutLoss = new List<double>();
        var holdoutMse = new List<double>();
        int workers = Math.Clamp(config.Threads > 0 ? config.Threads : TensorThreads.Current, 1, members.Length);
        MinibatchTensors[] workerBatches = workers == 1 ? [batches] : [batches, .. Enumerable.Range(1, workers - 1).Select(_ => new MinibatchTensors(data, config.BatchSize, Precision))];
        var memberLoss = new double[members.Length];
        using WorkSharing? team = workers == 1 ? null : new WorkSharing(workers);
        MemberEpochs? epochChunks = workers == 1 ? null : new MemberEpochs(this, workers, workerBatches, orders, optimizers, memberLoss, train);

        for (int epoch = 1; epoch <= config.Epochs; epoch++)
        {
            // ---- one pass of every member over its own resample, in shuffled minibatches. Members are independent,
            //      so they train in parallel (each worker with its own batch buffers) with results identical to one thread.
            foreach (int[] order in orders) TransitionSet.Shuffle(order, rng);
            if (workers == 1)
            {
                for (int e = 0; e < members.Length; e++) memberLoss[e] = TrainEpoch(e, batches, orders[e], optimizers[e], train);
            }
            else
            {
                // Each product on one thread while members train in parallel (the helpers' products already are).
                using TensorThreads.Scope oneThread = TensorThreads.Use(1);
                team!.Run(epochChunks!, workers, workers);
            }
            double sum = 0;
            foreach (double loss in memberLoss) sum += loss;
            trainLoss.Add(sum / ((double)train * members.Length));
            if (!double.IsFinite(trainLoss[^1]))
                throw new InvalidOperationException($"{Name}: the training loss became {trainLoss[^1]} in epoch {epoch}; lower the learning rate (now {config.LearningRate}).");

            // ---- holdout evaluation: early stopping per member, stop when no member still improves
            if (batches.HoldoutInputs is null) continue;
            double nllSum = 0, mseSum = 0;
            for (int e = 0; e < members.Length; e++)
            {
                (double nll, double mse) = Evaluate(members[e], batches.HoldoutInputs, batches.HoldoutTargets!);
                nllSum += nll;
                mseSum += mse;
                stopping[e].Observe(mse, epoch);
            }
            holdoutLoss.Add(nllSum / members.Length);
            holdoutMse.Add(mseSum / members.Length);
            if (stopping.All(s => s.Stalled)) break;
        }

        // ---- best epoch of each member, elites by holdout MSE
        double[] memberMse = new double[members.Length];
        for (int e = 0; e < members.Length; e++)
        {
            if (batches.HoldoutInputs is null)
            {
                memberMse[e] = double.NaN;
                continue;
            }
            stopping[e].Restore();
            memberMse[e] = stopping[e].BestLoss;
        }
        elites = batches.HoldoutInputs is null
            ? Enumerable.Range(0, config.Elites).ToArray()
            : Enumerable.Range(0, members.Length).OrderBy(e => memberMse[e]).ThenBy(e => e).Take(config.Elites).ToArray();
        SetScaling(data.InputScaling, data.OutputScaling);
        return new FitReport
        {
            Epochs = trainLoss.Count,
            TrainLoss = [.. trainLoss],
            HoldoutLoss = [.. holdoutLoss],
            HoldoutMse = [.. holdoutMse],
            MemberHoldoutMse = memberMse,
            Elites = (int[])elites.Clone(),
            TrainCount = train,
            HoldoutCount = data.HoldoutRows.Length,
            WallTime = clock.Elapsed,
        };
    }

    // Chunk w of a parallel epoch: members w, w + workers, ... in turn, with worker w's own batch buffers (one chunk
    // runs on one thread at a time, so the buffers are never shared); each writes only its members' losses.
    private sealed class MemberEpochs(ProbabilisticEnsemble owner, int workers, MinibatchTensors[] batches, int[][] orders,
        Adam[] optimizers, double[] memberLoss, int train) : IChunkedWork
    {
        public void Run(int member, int chunk)
        {
            for (int e = chunk; e < memberLoss.Length; e += workers) memberLoss[e] = owner.TrainEpoch(e, batches[chunk], orders[e], optimizers[e], train);
        }
    }

    // One epoch of member e over its resample `order`, in minibatches; returns the loss summed over rows.
    private double TrainEpoch(int e, MinibatchTensors batches, int[] order, Adam optimizer, int train)
    {
        double sum = 0;
        for (int start = 0; start < train; start += config.BatchSize)
        {
            int size = Math.Min(config.BatchSize, train - start);
            (Tensor z, Tensor y) = batches.Load(order.AsSpan(start, size));
            using TensorScope scope = TensorScope.Begin();
            (Tensor mean, Tensor logVariance) = members[e].Predict(z);
            Tensor loss = GaussianNll(mean, logVariance, y) + config.BoundPenalty * members[e].BoundWidth();
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            sum += loss.Item() * size;
        }
        return sum;
    }

    // Gaussian negative log-likelihood without its constant, summed over state dimensions, averaged over rows:
    // 0.5 mean_b sum_i [(mean - y)^2 exp(-logvar) + logvar].
    private static Tensor GaussianNll(Tensor mean, Tensor logVariance, Tensor target)
        => ((mean - target).Square() * logVariance.Neg().Exp() + logVariance).Sum() * (0.5 / mean.Dim(0));

    private static (double Nll, double Mse) Evaluate(GaussianMember member, Tensor z, Tensor y)
    {
        using TensorScope scope = TensorScope.Begin();
        using Autograd.ModeToken noGrad = Autograd.NoGrad();
        (Tensor mean, Tensor logVariance) = member.PredictFrozen(z);
        return (GaussianNll(mean, logVariance, y).Item(), Loss.Mse(mean, y).Item());
    }

    // ------------------------------------------------------------------ trajectory sampling

    /// <summary>Fills <paramref name="members"/> with elites drawn uniformly from <paramref name="rng"/> (TS1: redraw every step; TS-infinity: draw once per particle).</summary>
    public void DrawElites(Rng rng, Span<int> members)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int p = 0; p < members.Length; p++) members[p] = elites[rng.NextInt(elites.Length)];
    }

    /// <summary>
    /// Member <paramref name="member"/>'s Gaussian over x' at (x, u): its mean into <paramref name="mean"/> (n) and its
    /// per-dimension variance into <paramref name="variance"/> (n).
    /// </summary>
    public void PredictMember(DynamicsWorkspace workspace, int member, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> mean, Span<double> variance)
    {
        LearnedWorkspace w = Own(workspace);
        GaussianMember network = members[CheckMember(member)];
        ModelChecks.Length(Name, "mean", StateSize, mean.Length);
        ModelChecks.Length(Name, "variance", StateSize, variance.Length);
        using TensorScope scope = TensorScope.Begin();
        using Autograd.ModeToken noGrad = Autograd.NoGrad();
        Standardize(x, u, w.Row, 0, w.ClippedRow);
        (Tensor d, Tensor logVariance) = network.PredictFrozen(w.Row);
        Denormalize(x, d, 0, mean, logVariance, variance);
    }

    /// <summary>One draw x' ~ N(mean, variance) of member <paramref name="member"/> at (x, u), from <paramref name="rng"/>.</summary>
    public void Sample(DynamicsWorkspace workspace, int member, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Rng rng, Span<double> next)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Span<double> variance = stackalloc double[StateSize];
        PredictMember(workspace, member, x, u, next, variance);
        for (int i = 0; i < next.Length; i++) next[i] += Math.Sqrt(variance[i]) * rng.Normal();
    }

    /// <summary>
    /// Batched <see cref="PredictMember"/> over P particles: row p of <paramref name="states"/> (P x n) and
    /// <paramref name="controls"/> (P x m) goes through member <paramref name="members"/>[p]; one network pass per
    /// member used. Writes means and variances (P x n).
    /// </summary>
    public void PredictBatch(DynamicsWorkspace workspace, ReadOnlySpan<double> states, ReadOnlySpan<double> controls,
        ReadOnlySpan<int> members, Span<double> mean, Span<double> variance)
    {
        LearnedWorkspace w = Own(workspace);
        int rows = Rows(states, controls), n = StateSize, m = ControlSize;
        ModelChecks.Length(Name, "members (one per row)", rows, members.Length);
        ModelChecks.Length(Name, "means (P x n)", rows * n, mean.Length);
        ModelChecks.Length(Name, "variances (P x n)", rows * n, variance.Length);
        foreach (int e in members) CheckMember(e);
        if (w.Rows.Length < rows) w.Rows = new int[rows];
        using TensorScope scope = TensorScope.Begin();
        using Autograd.ModeToken noGrad = Autograd.NoGrad();
        for (int e = 0; e < this.members.Length; e++)
        {
            int k = 0;
            for (int p = 0; p < rows; p++)
            {
                if (members[p] == e) w.Rows[k++] = p;
            }
            if (k == 0) continue;
            Tensor z = Tensor.Zeros(Precision, k, n + m);
            for (int r = 0; r < k; r++)
            {
                int p = w.Rows[r];
                Standardize(states.Slice(p * n, n), controls.Slice(p * m, m), z, r * (n + m), w.ClippedRow);
            }
            (Tensor d, Tensor logVariance) = this.members[e].PredictFrozen(z);
            for (int r = 0; r < k; r++)
            {
                int p = w.Rows[r];
                Denormalize(states.Slice(p * n, n), d, r * n, mean.Slice(p * n, n), logVariance, variance.Slice(p * n, n));
            }
        }
    }

    /// <summary>
    /// One sampled step for P particles: x'_p ~ N(mean, variance) of member <paramref name="members"/>[p] at row p of
    /// <paramref name="states"/> (P x n) and <paramref name="controls"/> (P x m), into <paramref name="next"/> (P x n).
    /// </summary>
    public void SampleBatch(DynamicsWorkspace workspace, ReadOnlySpan<double> states, ReadOnlySpan<double> controls,
        ReadOnlySpan<int> members, Rng rng, Span<double> next)
    {
        ArgumentNullException.ThrowIfNull(rng);
        LearnedWorkspace w = Own(workspace);
        if (w.Variances.Length < next.Length) w.Variances = new double[next.Length];
        Span<double> variance = w.Variances.AsSpan(0, next.Length);
        PredictBatch(workspace, states, controls, members, next, variance);
        for (int i = 0; i < next.Length; i++) next[i] += Math.Sqrt(variance[i]) * rng.Normal();
    }

    /// <summary>
    /// The elites' mixture at (x, u): its mean (the model's <see cref="LearnedDynamics.Step(DynamicsWorkspace, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>),
    /// the aleatoric variance (mean of the members' variances) and the epistemic variance (variance of their means), each of length n.
    /// </summary>
    public void PredictDistribution(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> mean, Span<double> aleatoric, Span<double> epistemic)
    {
        int n = StateSize;
        ModelChecks.Length(Name, "mean", n, mean.Length);
        ModelChecks.Length(Name, "aleatoric variance", n, aleatoric.Length);
        ModelChecks.Length(Name, "epistemic variance", n, epistemic.Length);
        Span<double> memberMean = stackalloc double[n];
        Span<double> memberVariance = stackalloc double[n];
        mean.Clear();
        aleatoric.Clear();
        epistemic.Clear();
        foreach (int e in elites)
        {
            PredictMember(workspace, e, x, u, memberMean, memberVariance);
            for (int i = 0; i < n; i++)
            {
                mean[i] += memberMean[i] / elites.Length;
                aleatoric[i] += memberVariance[i] / elites.Length;
                epistemic[i] += memberMean[i] * memberMean[i] / elites.Length;
            }
        }
        for (int i = 0; i < n; i++) epistemic[i] = Math.Max(epistemic[i] - mean[i] * mean[i], 0.0);
    }

    // ------------------------------------------------------------------ helpers

    private void Denormalize(ReadOnlySpan<double> x, Tensor d, int start, Span<double> mean, Tensor logVariance, Span<double> variance)
    {
        Denormalize(x, d, start, mean);
        TensorRows.Read(logVariance, start, variance);
        for (int i = 0; i < StateSize; i++) variance[i] = OutputStd(i) * OutputStd(i) * Math.Exp(variance[i]);
    }

    private int CheckMember(int index)
    {
        if ((uint)index >= (uint)members.Length)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name}: expected a member index in [0, {members.Length}).");
        return index;
    }
}
