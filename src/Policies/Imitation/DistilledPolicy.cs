// A network policy distilled from an expert (`control distill`: behaviour cloning on the expert's episodes, or DAgger),
// as the checkpoint holds it: the InferencePolicy under the policy/* sections, the expert labels used and the
// iterations run. Its run description names the method ("bc" or "dagger") and records the expert; by that record a
// distilled bc checkpoint is told apart from one cloned from a dataset (`control train --dataset --algo bc`). Restored,
// it acts (`control eval`, `control collect --policy checkpoint:F`) and exports, but it does not train: the expert that
// labelled its data is not part of the checkpoint.
using System.Text.Json;
using Control.Core;
using Control.Policies.Common;
using Control.Policies.Registry;

namespace Control.Policies.Imitation;

/// <summary>A distilled policy and its counters, as an <see cref="IAlgorithm"/> that acts but does not train.</summary>
public sealed class DistilledPolicy : IAlgorithm
{
    /// <summary>The property of the run description's config JSON that names the expert.</summary>
    public const string ExpertProperty = "expert";

    private InferencePolicy policy;

    /// <summary>The distilled <paramref name="policy"/> of <paramref name="method"/> after <paramref name="labels"/> expert labels in <paramref name="iterations"/> iterations.</summary>
    /// <exception cref="ArgumentException">The method is neither bc nor dagger, or a counter is negative.</exception>
    public DistilledPolicy(string method, InferencePolicy policy, int labels, int iterations)
    {
        if (method is not (BehaviourCloning.Name or Dagger.Name))
            throw new ArgumentException($"expected the distillation method {BehaviourCloning.Name} or {Dagger.Name}, got '{method}'", nameof(method));
        if (labels < 0 || iterations < 0) throw new ArgumentException($"expected non-negative counters, got {labels} labels and {iterations} iterations");
        Name = method;
        this.policy = policy ?? throw new ArgumentNullException(nameof(policy));
        Labels = labels;
        Iterations = iterations;
    }

    /// <summary>The method ("bc" or "dagger").</summary>
    public string Name { get; }

    /// <summary>Expert labels the policy was fitted to.</summary>
    public int Labels { get; private set; }

    /// <summary>The expert's labels: the env steps the expert acted in (or labelled) for the data.</summary>
    public long EnvSteps => Labels;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>
    /// Whether <paramref name="run"/> describes a distilled policy: a DAgger run, or a behaviour cloning run whose config
    /// names its expert (as `control distill` writes it).
    /// </summary>
    public static bool Describes(RunDescription run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Algorithm == Dagger.Name) return true;
        if (run.Algorithm != BehaviourCloning.Name) return false;
        try
        {
            using JsonDocument config = JsonDocument.Parse(run.Config);
            return config.RootElement.ValueKind == JsonValueKind.Object && config.RootElement.TryGetProperty(ExpertProperty, out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The policy in <paramref name="checkpoint"/>, written by <see cref="Save"/>, under the method of <paramref name="run"/>.</summary>
    /// <exception cref="CheckpointException">The run is not a distillation, or a section is missing or does not fit.</exception>
    public static DistilledPolicy Restore(Checkpoint checkpoint, RunDescription run)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(run);
        if (!Describes(run))
            throw new CheckpointException($"{checkpoint.Source ?? "checkpoint"}: expected a distilled policy ({BehaviourCloning.Name} with an expert, or {Dagger.Name}), got a {run.Algorithm} run.");
        var distilled = new DistilledPolicy(run.Algorithm, Common.InferencePolicy.Load(checkpoint), 0, 0);
        distilled.Load(checkpoint);
        return distilled;
    }

    /// <summary>Distilled policies do not train.</summary>
    /// <exception cref="InvalidOperationException">Always: the expert is not part of the checkpoint.</exception>
    public IReadOnlyDictionary<string, double> Iterate()
        => throw new InvalidOperationException($"{Name}: a distilled policy does not train from its checkpoint (its expert is not stored); distil again with `control distill`.");

    /// <inheritdoc />
    public InferencePolicy InferencePolicy() => policy;

    /// <inheritdoc />
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(policy, deterministic, seed);

    /// <inheritdoc />
    /// <remarks>The policy under the policy/* sections and the counters (labels, iterations).</remarks>
    public void Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        policy.Save(checkpoint);
        checkpoint.Put(CheckpointSections.Counters, w =>
        {
            w.Write(Labels);
            w.Write(Iterations);
        });
    }

    /// <inheritdoc />
    /// <exception cref="CheckpointException">A section is missing or does not fit.</exception>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        InferencePolicy stored = Common.InferencePolicy.Load(checkpoint);
        (int labels, int iterations) = checkpoint.Get(CheckpointSections.Counters, r => (r.ReadInt32(), r.ReadInt32()));
        if (labels < 0 || iterations < 0)
            throw new CheckpointException($"{checkpoint.Source ?? "checkpoint"}: expected non-negative counters, got {labels} labels and {iterations} iterations.");
        policy = stored;
        Labels = labels;
        Iterations = iterations;
    }
}
