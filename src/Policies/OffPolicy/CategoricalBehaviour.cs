using Control.Core;
using Control.Tensors;
using Control.Tensors.Distributions;

namespace Control.Policies.OffPolicy;

/// <summary>
/// The behaviour of a Discrete actor-critic: uniformly random actions before the learning starts, then a sample of
/// the actor's categorical pi(. | s) for every copy (the policy's own entropy explores).
/// </summary>
public sealed class CategoricalBehaviour : IBehaviourPolicy
{
    private readonly CategoricalActor actor;
    private readonly int copies;
    private readonly long learningStarts;

    /// <summary>Samples <paramref name="actor"/> (read at every step, so it follows training) for <paramref name="copies"/> env copies with draws from <paramref name="rng"/>.</summary>
    public CategoricalBehaviour(CategoricalActor actor, int copies, long learningStarts, Rng rng)
    {
        this.actor = actor ?? throw new ArgumentNullException(nameof(actor));
        Rng = rng ?? throw new ArgumentNullException(nameof(rng));
        if (copies <= 0 || learningStarts < 0)
            throw new ArgumentException($"CategoricalBehaviour: expected positive copies and learning starts >= 0, got {copies} and {learningStarts}.");
        this.copies = copies;
        this.learningStarts = learningStarts;
    }

    /// <summary>The exploration generator (replaced when a checkpoint is restored).</summary>
    public Rng Rng { get; set; }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> inputs, long envSteps, Span<double> actions)
    {
        if (inputs.Length != copies * actor.ObservationSize || actions.Length != copies)
            throw new ArgumentException($"CategoricalBehaviour: expected {copies} rows of {actor.ObservationSize} inputs and {copies} actions, got {inputs.Length} and {actions.Length}.");
        if (envSteps < learningStarts)
        {
            for (int i = 0; i < copies; i++) actions[i] = Rng.NextInt(actor.Actions);
            return;
        }
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        Tensor x = Tensor.Zeros(copies, actor.ObservationSize);
        inputs.CopyTo(x.Span<float>());
        int[] drawn = new Categorical(actor.Forward(x)).Sample(Rng);
        for (int i = 0; i < copies; i++) actions[i] = drawn[i];
    }
}
