using Control.Core.Envs;

namespace Control.Dynamics.Analytic;

/// <summary>
/// A discrete-time transition x' = f(x, u) written over any <see cref="IScalar{T}"/>. Implementations are
/// immutable structs holding their physical constants.
/// </summary>
public interface IEquations
{
    /// <summary>Name used in error messages.</summary>
    string Name { get; }

    /// <summary>n.</summary>
    int StateSize { get; }

    /// <summary>m.</summary>
    int ControlSize { get; }

    /// <summary>Seconds per step.</summary>
    double TimeStep { get; }

    /// <summary>Bounds the equations clip u to.</summary>
    Box ControlBounds { get; }

    /// <summary>Writes f(x, u) into <paramref name="next"/>.</summary>
    void Step<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> next) where T : unmanaged, IScalar<T>;
}
