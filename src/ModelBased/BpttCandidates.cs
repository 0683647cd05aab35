// Several BPTT policies trained side by side through the same model, the one with the lowest imagined cost acting.
// A single policy trained through a model that changes every iteration can settle on a poor swing (a policy
// that pumps in the wrong rhythm, or one that brakes at the top) and the gradient alone rarely brings it out:
// the summed cost is not convex in the weights. Keeping a few candidates from different initial weights, and
// now and then replacing the worst by a fresh one, is a cheap restart strategy; the model decides which acts.
using Control.Core;
using Control.Core.Envs;
using Control.Dynamics;
using Control.Policies.Common;

namespace Control.ModelBased;

/// <summary>
/// <see cref="BpttConfig.Candidates"/> <see cref="BpttPolicy"/> instances from different seeds; every
/// <see cref="Train"/> trains each through the model and makes the one of lowest imagined cost the acting policy.
/// Every <see cref="BpttConfig.RestartEvery"/> rounds the worst candidate (by the previous round's imagined cost)
/// is replaced by a fresh policy. Deterministic for <see cref="BpttConfig.Seed"/>.
/// </summary>
public sealed class BpttCandidates : IPolicy
{
    private readonly int stateSize;
    private readonly Box controlBounds;
    private readonly BpttConfig config;
    private readonly BpttPolicy[] candidates;
    private readonly double[] imagined;
    private readonly int[] births;
    private int round;
    private int created;

    /// <summary>Creates the candidates for a model with <paramref name="stateSize"/> states and the given control bounds.</summary>
    public BpttCandidates(int stateSize, Box controlBounds, BpttConfig? config = null)
    {
        this.config = config ?? new BpttConfig();
        if (this.config.Candidates < 1)
            throw new ArgumentOutOfRangeException(nameof(config), this.config.Candidates, "BPTT candidates: expected Candidates >= 1.");
        if (this.config.RestartEvery < 0)
            throw new ArgumentOutOfRangeException(nameof(config), this.config.RestartEvery, "BPTT candidates: expected RestartEvery >= 0 (0: never).");
        this.stateSize = stateSize;
        this.controlBounds = controlBounds;
        candidates = new BpttPolicy[this.config.Candidates];
        imagined = new double[this.config.Candidates];
        births = new int[this.config.Candidates];
        for (int k = 0; k < candidates.Length; k++) candidates[k] = Fresh(k);
        Best = candidates[0];
        imagined.AsSpan().Fill(double.PositiveInfinity);
    }

    /// <summary>The candidate of lowest imagined cost after the last <see cref="Train"/> (the first before any).</summary>
    public BpttPolicy Best { get; private set; }

    /// <summary>Imagined cost of every candidate on the last model it was trained on (+infinity before training or when its rollout diverged).</summary>
    public IReadOnlyList<double> ImaginedCosts => imagined;

    /// <summary>Rounds of <see cref="Train"/> so far.</summary>
    public int Rounds => round;

    /// <summary>
    /// One round: the worst candidate is replaced by a fresh one if this round is a restart round, every candidate
    /// takes its <see cref="BpttPolicy.Train"/> through <paramref name="model"/>, and the one of lowest
    /// <see cref="BpttPolicy.SelectedImaginedCost"/> on it becomes <see cref="Best"/>. Arguments as for <see cref="BpttPolicy.Train"/>.
    /// </summary>
    public BpttPolicy Train(IDifferentiableDynamics model, DifferentiableCost cost, ReadOnlySpan<double> startStates, int count, ReadOnlySpan<double> initialStates = default)
    {
        round++;
        if (config.RestartEvery > 0 && candidates.Length > 1 && round % config.RestartEvery == 0)
        {
            int worst = ArgMax(imagined);
            candidates[worst] = Fresh(worst);
            imagined[worst] = double.PositiveInfinity;
        }
        for (int k = 0; k < candidates.Length; k++)
        {
            candidates[k].Train(model, cost, startStates, count, initialStates);
            double score = candidates[k].SelectedImaginedCost;
            imagined[k] = double.IsFinite(score) ? score : double.PositiveInfinity;
        }
        Best = candidates[ArgMin(imagined)];
        return Best;
    }

    /// <inheritdoc />
    public int ObservationSize => stateSize;

    /// <inheritdoc />
    public int ActionSize => controlBounds.FlatSize;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action) => Best.Act(observation, action);

    /// <inheritdoc />
    public void Reset() => Best.Reset();

    /// <summary>
    /// Stores what continuing to train needs, in sections named <paramref name="prefix"/>/...: the round, the
    /// candidates made so far, each candidate's place in that order and imagined cost, and each candidate (<see cref="BpttPolicy.Save"/>).
    /// </summary>
    public void Save(Checkpoint checkpoint, string prefix)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.Put($"{prefix}/counters", w =>
        {
            w.Write(round);
            w.Write(created);
            w.Write(candidates.Length);
            for (int k = 0; k < candidates.Length; k++)
            {
                w.Write(births[k]);
                w.Write(imagined[k]);
            }
        });
        for (int k = 0; k < candidates.Length; k++) candidates[k].Save(checkpoint, $"{prefix}/{k}");
    }

    /// <summary>Restores what <see cref="Save"/> stored under <paramref name="prefix"/> into candidates made with the same sizes and config.</summary>
    /// <exception cref="CheckpointException">A section is missing or does not fit these candidates.</exception>
    public void Restore(Checkpoint checkpoint, string prefix)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var storedBirths = new int[candidates.Length];
        var storedImagined = new double[candidates.Length];
        (int storedRound, int storedCreated) = checkpoint.Get($"{prefix}/counters", r =>
        {
            int rounds = r.ReadInt32(), made = r.ReadInt32(), count = r.ReadInt32();
            if (count != candidates.Length || rounds < 0 || made < count)
                throw new InvalidDataException($"BPTT candidates: expected {candidates.Length} candidates of at least as many made and a round >= 0, got {count} of {made} made in round {rounds}");
            for (int k = 0; k < count; k++)
            {
                storedBirths[k] = r.ReadInt32();
                storedImagined[k] = r.ReadDouble();
                if (storedBirths[k] < 0 || storedBirths[k] >= made)
                    throw new InvalidDataException($"BPTT candidates: expected candidate {k} to be one of the {made} made, got number {storedBirths[k]}");
            }
            return (rounds, made);
        });
        var restored = new BpttPolicy[candidates.Length];
        for (int k = 0; k < restored.Length; k++)
        {
            restored[k] = Made(storedBirths[k]);
            restored[k].Restore(checkpoint, $"{prefix}/{k}");
        }
        restored.CopyTo(candidates, 0);
        storedBirths.CopyTo(births, 0);
        storedImagined.CopyTo(imagined, 0);
        round = storedRound;
        created = storedCreated;
        Best = candidates[ArgMin(imagined)];
    }

    // A fresh candidate for slot k, the next one made.
    private BpttPolicy Fresh(int k)
    {
        births[k] = created++;
        return Made(births[k]);
    }

    // Candidate seeds: the configured seed, then consecutive offsets of a large odd stride (distinct weight draws).
    private BpttPolicy Made(int birth) => new(stateSize, controlBounds, config with { Seed = config.Seed + 7919L * birth });

    private static int ArgMin(double[] values)
    {
        int best = 0;
        for (int k = 1; k < values.Length; k++) if (values[k] < values[best]) best = k;
        return best;
    }

    private static int ArgMax(double[] values)
    {
        int worst = 0;
        for (int k = 1; k < values.Length; k++) if (values[k] > values[worst]) worst = k;
        return worst;
    }
}
