// Fixed-step integrators of continuous-time equations dx/dt = g(x, u), generic over the scalar type so
// that integrating Dual values differentiates through the integrator exactly.
namespace Control.Dynamics.Analytic;

/// <summary>Continuous-time equations dx/dt = g(x, u) written over any <see cref="IScalar{T}"/>.</summary>
public interface IContinuousEquations
{
    /// <summary>n.</summary>
    int StateSize { get; }

    /// <summary>Writes dx/dt into <paramref name="derivative"/>.</summary>
    void Derivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u, Span<T> derivative) where T : unmanaged, IScalar<T>;
}
