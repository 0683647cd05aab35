namespace Control.Dynamics.Residuals;

/// <summary>
/// n(r) = sqrt(|r|^2 + p^2) - p. With q = sqrt(|r|^2 + p^2): gradient r / q, Hessian I / q - r r' / q^3, whose
/// eigenvalues are 1 / q (across r) and p^2 / q^3 (along r), so it is positive definite and exact.
/// </summary>
public sealed class SmoothL2Norm : ResidualNorm
{
    /// <summary>The norm with smoothing <paramref name="p"/> &gt; 0.</summary>
    public SmoothL2Norm(double p) => P = CheckSmoothing("smooth-l2 norm", p);

    /// <summary>Smoothing: the radius of the quadratic basin.</summary>
    public double P { get; }

    /// <inheritdoc />
    public override string Name => $"smooth-l2({P})";

    /// <inheritdoc />
    public override double Value(ReadOnlySpan<double> r) => Root(r) - P;

    /// <inheritdoc />
    public override void Gradient(ReadOnlySpan<double> r, Span<double> gradient)
    {
        double q = Root(r);
        for (int i = 0; i < r.Length; i++) gradient[i] = r[i] / q;
    }

    /// <inheritdoc />
    public override void Hessian(ReadOnlySpan<double> r, Span<double> hessian)
    {
        int k = r.Length;
        double q = Root(r), q3 = q * q * q;
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++) hessian[i * k + j] = (i == j ? 1 / q : 0) - r[i] * r[j] / q3;
        }
    }

    private double Root(ReadOnlySpan<double> r)
    {
        double sum = P * P;
        foreach (double v in r) sum += v * v;
        return Math.Sqrt(sum);
    }
}
