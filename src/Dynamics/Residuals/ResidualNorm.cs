// The norms that turn a residual slice into a cost. All three are convex, so their exact Hessians are positive
// semidefinite and the Gauss-Newton cost Hessian Rx' H Rx is too.
namespace Control.Dynamics.Residuals;

/// <summary>
/// A scalar function n(r) of a residual slice with its gradient and a positive semidefinite Hessian.
/// Immutable and thread-safe.
/// </summary>
public abstract class ResidualNorm
{
    /// <summary>Name used in messages ("quadratic", "smooth-l2(0.1)").</summary>
    public abstract string Name { get; }

    /// <summary>n(r).</summary>
    public abstract double Value(ReadOnlySpan<double> r);

    /// <summary>Writes dn/dr into <paramref name="gradient"/> (length of r).</summary>
    public abstract void Gradient(ReadOnlySpan<double> r, Span<double> gradient);

    /// <summary>Writes a positive semidefinite d2n/dr2 (k x k, row-major) into <paramref name="hessian"/>.</summary>
    public abstract void Hessian(ReadOnlySpan<double> r, Span<double> hessian);

    /// <summary>1/2 |r|^2.</summary>
    public static ResidualNorm Quadratic { get; } = new QuadraticNorm();

    /// <summary>sqrt(|r|^2 + p^2) - p: quadratic within about p of zero, then growing like |r| (robust far away).</summary>
    public static ResidualNorm SmoothL2(double p) => new SmoothL2Norm(p);

    /// <summary>sum_i sqrt(r_i^2 + p^2) - p: a smooth L1 norm, each entry pulled to zero on its own.</summary>
    public static ResidualNorm SmoothAbs(double p) => new SmoothAbsNorm(p);

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Checks a smoothing parameter: finite and positive.</summary>
    private protected static double CheckSmoothing(string norm, double p)
    {
        if (!double.IsFinite(p) || p <= 0)
            throw new ArgumentOutOfRangeException(nameof(p), p, $"{norm}: expected a finite smoothing p > 0, got {p}.");
        return p;
    }
}
