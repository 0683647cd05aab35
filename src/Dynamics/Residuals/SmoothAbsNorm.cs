namespace Control.Dynamics.Residuals;

/// <summary>
/// n(r) = sum_i sqrt(r_i^2 + p^2) - p. With q_i = sqrt(r_i^2 + p^2): gradient r_i / q_i, Hessian diagonal
/// p^2 / q_i^3 (exact and positive).
/// </summary>
public sealed class SmoothAbsNorm : ResidualNorm
{
    /// <summary>The norm with smoothing <paramref name="p"/> &gt; 0.</summary>
    public SmoothAbsNorm(double p) => P = CheckSmoothing("smooth-abs norm", p);

    /// <summary>Smoothing: each entry is quadratic within about p of zero.</summary>
    public double P { get; }

    /// <inheritdoc />
    public override string Name => $"smooth-abs({P})";

    /// <inheritdoc />
    public override double Value(ReadOnlySpan<double> r)
    {
        double sum = 0;
        foreach (double v in r) sum += Math.Sqrt(v * v + P * P) - P;
        return sum;
    }

    /// <inheritdoc />
    public override void Gradient(ReadOnlySpan<double> r, Span<double> gradient)
    {
        for (int i = 0; i < r.Length; i++) gradient[i] = r[i] / Math.Sqrt(r[i] * r[i] + P * P);
    }

    /// <inheritdoc />
    public override void Hessian(ReadOnlySpan<double> r, Span<double> hessian)
    {
        int k = r.Length;
        hessian[..(k * k)].Clear();
        for (int i = 0; i < k; i++)
        {
            double q = Math.Sqrt(r[i] * r[i] + P * P);
            hessian[i * k + i] = P * P / (q * q * q);
        }
    }
}
