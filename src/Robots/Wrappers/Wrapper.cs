// Base of env wrappers: forwards everything to the inner env; a wrapper overrides only what it changes.
using Control.Dynamics;

namespace Control.Robots.Wrappers;

/// <summary>An env around another env.</summary>
public abstract class Wrapper(IEnv inner) : IEnv, IWrapper
{
    /// <inheritdoc />
    public IEnv Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public string Name => Inner.Name;

    /// <inheritdoc />
    public virtual Space ObservationSpace => Inner.ObservationSpace;

    /// <inheritdoc />
    public virtual Space ActionSpace => Inner.ActionSpace;

    /// <inheritdoc />
    public virtual void Reset(Span<double> observation, long? seed = null) => Inner.Reset(observation, seed);

    /// <inheritdoc />
    public virtual StepResult Step(ReadOnlySpan<double> action, Span<double> observation) => Inner.Step(action, observation);
}
