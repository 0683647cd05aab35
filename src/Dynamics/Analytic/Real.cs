namespace Control.Dynamics.Analytic;

/// <summary>A plain double as an <see cref="IScalar{T}"/>; the JIT reduces it to double arithmetic.</summary>
public readonly struct Real(double value) : IScalar<Real>
{
    public double Value { get; } = value;

    public static Real Constant(double value) => new(value);
    public static Real operator +(Real a, Real b) => new(a.Value + b.Value);
    public static Real operator -(Real a, Real b) => new(a.Value - b.Value);
    public static Real operator *(Real a, Real b) => new(a.Value * b.Value);
    public static Real operator /(Real a, Real b) => new(a.Value / b.Value);
    public static Real operator -(Real a) => new(-a.Value);
    public static Real operator +(Real a, double b) => new(a.Value + b);
    public static Real operator +(double a, Real b) => new(a + b.Value);
    public static Real operator -(Real a, double b) => new(a.Value - b);
    public static Real operator -(double a, Real b) => new(a - b.Value);
    public static Real operator *(Real a, double b) => new(a.Value * b);
    public static Real operator *(double a, Real b) => new(a * b.Value);
    public static Real operator /(Real a, double b) => new(a.Value / b);
    public static Real operator /(double a, Real b) => new(a / b.Value);
    public static Real Sin(Real a) => new(Math.Sin(a.Value));
    public static Real Cos(Real a) => new(Math.Cos(a.Value));
    public static (Real Sin, Real Cos) SinCos(Real a)
    {
        (double s, double c) = Math.SinCos(a.Value);
        return (new(s), new(c));
    }
    public static Real Exp(Real a) => new(Math.Exp(a.Value));
    public static Real Log(Real a) => new(Math.Log(a.Value));
    public static Real Sqrt(Real a) => new(Math.Sqrt(a.Value));
    public static Real Tanh(Real a) => new(Math.Tanh(a.Value));

    public override string ToString() => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
