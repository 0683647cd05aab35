namespace Control.Dynamics.Residuals;

/// <summary>Writes r(x, u) into <paramref name="r"/>; must be thread-safe (no shared mutable state).</summary>
public delegate void ResidualFunction(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> r);
