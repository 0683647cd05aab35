namespace Control.Dynamics.Residuals;

/// <summary>n(r) = 1/2 |r|^2; gradient r, Hessian the identity.</summary>
public sealed class QuadraticNorm : ResidualNorm
{
    /// <inheritdoc />
    public override string Name => "quadratic";

    /// <inheritdoc />
    public override double Value(ReadOnlySpan<double> r)
    {
        double sum = 0;
        foreach (double v in r) sum += v * v;
        return 0.5 * sum;
    }

    /// <inheritdoc />
    public override void Gradient(ReadOnlySpan<double> r, Span<double> gradient) => r.CopyTo(gradient);

    /// <inheritdoc />
    public override void Hessian(ReadOnlySpan<double> r, Span<double> hessian)
    {
        int k = r.Length;
        hessian[..(k * k)].Clear();
        for (int i = 0; i < k; i++) hessian[i * k + i] = 1;
    }
}
