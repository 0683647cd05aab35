using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Control.Dynamics.Analytic;

/// <summary>A value with its gradient with respect to up to eight inputs (forward-mode differentiation).</summary>
public readonly struct Dual : IScalar<Dual>
{
    private readonly Vector512<double> gradient;

    private Dual(double value, Vector512<double> gradient)
    {
        Value = value;
        this.gradient = gradient;
    }

    public double Value { get; }

    /// <summary>d(this)/d(input <paramref name="index"/>).</summary>
    public double Derivative(int index) => gradient.GetElement(index);

    /// <summary>Input number <paramref name="index"/> (0 .. 7) with value <paramref name="value"/>.</summary>
    public static Dual Variable(double value, int index) => new(value, Unit(index));

    public static Dual Constant(double value) => new(value, Vector512<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Dual Chain(Dual a, double value, double derivative) => new(value, a.gradient * derivative);

    public static Dual operator +(Dual a, Dual b) => new(a.Value + b.Value, a.gradient + b.gradient);
    public static Dual operator -(Dual a, Dual b) => new(a.Value - b.Value, a.gradient - b.gradient);
    public static Dual operator *(Dual a, Dual b) => new(a.Value * b.Value, a.gradient * b.Value + b.gradient * a.Value);
    public static Dual operator /(Dual a, Dual b)
    {
        double q = a.Value / b.Value;
        return new(q, (a.gradient - b.gradient * q) / b.Value);
    }
    public static Dual operator -(Dual a) => new(-a.Value, -a.gradient);
    public static Dual operator +(Dual a, double b) => new(a.Value + b, a.gradient);
    public static Dual operator +(double a, Dual b) => new(a + b.Value, b.gradient);
    public static Dual operator -(Dual a, double b) => new(a.Value - b, a.gradient);
    public static Dual operator -(double a, Dual b) => new(a - b.Value, -b.gradient);
    public static Dual operator *(Dual a, double b) => new(a.Value * b, a.gradient * b);
    public static Dual operator *(double a, Dual b) => new(a * b.Value, b.gradient * a);
    public static Dual operator /(Dual a, double b) => new(a.Value / b, a.gradient / b);
    public static Dual operator /(double a, Dual b)
    {
        double q = a / b.Value;
        return Chain(b, q, -q / b.Value);
    }
    public static Dual Sin(Dual a) => Chain(a, Math.Sin(a.Value), Math.Cos(a.Value));
    public static Dual Cos(Dual a) => Chain(a, Math.Cos(a.Value), -Math.Sin(a.Value));
    public static (Dual Sin, Dual Cos) SinCos(Dual a)
    {
        (double s, double c) = Math.SinCos(a.Value);
        return (Chain(a, s, c), Chain(a, c, -s));
    }
    public static Dual Exp(Dual a)
    {
        double e = Math.Exp(a.Value);
        return Chain(a, e, e);
    }
    public static Dual Log(Dual a) => Chain(a, Math.Log(a.Value), 1.0 / a.Value);
    public static Dual Sqrt(Dual a)
    {
        double s = Math.Sqrt(a.Value);
        return Chain(a, s, 0.5 / s);
    }
    public static Dual Tanh(Dual a)
    {
        double t = Math.Tanh(a.Value);
        return Chain(a, t, 1 - t * t);
    }

    internal static Vector512<double> Unit(int index)
    {
        if ((uint)index >= Scalar.MaxInputs)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"expected an input index in [0, {Scalar.MaxInputs - 1}]");
        return Vector512<double>.Zero.WithElement(index, 1.0);
    }
}
