// Observation and action spaces with Gymnasium's meaning: Box (a real array with per-element bounds) and
// Discrete(n) (the integers 0..n-1). Every value crosses the IEnv boundary as a flat span of doubles; a
// Discrete action is one element holding the integer.
namespace Control.Core.Envs;

/// <summary>The set of values an observation or an action can take.</summary>
public abstract record Space
{
    /// <summary>Number of doubles one value occupies in a flat span (1 for <see cref="Discrete"/>).</summary>
    public abstract int FlatSize { get; }

    /// <summary>Whether <paramref name="value"/> is a member of the space.</summary>
    public abstract bool Contains(ReadOnlySpan<double> value);

    /// <summary>Draws a value uniformly (Box with infinite bounds: standard normal on the unbounded sides).</summary>
    public abstract void Sample(Rng rng, Span<double> destination);

    /// <summary>Short text such as <c>Box(-2, 2, (1,))</c> or <c>Discrete(2)</c>.</summary>
    public abstract string Describe();
}
