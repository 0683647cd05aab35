namespace Control.Dynamics.Analytic;

/// <summary>A stage cost l(x, u) and terminal cost lf(x) written over any <see cref="IScalar{T}"/>.</summary>
public interface ICostTerms
{
    /// <summary>Name used in error messages.</summary>
    string Name { get; }

    /// <summary>n.</summary>
    int StateSize { get; }

    /// <summary>m.</summary>
    int ControlSize { get; }

    /// <summary>l(x, u).</summary>
    T Stage<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> u) where T : unmanaged, IScalar<T>;

    /// <summary>lf(x).</summary>
    T Terminal<T>(ReadOnlySpan<T> x) where T : unmanaged, IScalar<T>;
}
