namespace Control.Policies.Tests;

/// <summary>Equality of doubles up to a relative tolerance (absolute below 1).</summary>
internal sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

    public int GetHashCode(double obj) => 0;
}
