using System.Runtime.Intrinsics;

namespace Control.Dynamics.Analytic;

/// <summary>A value with its gradient and Hessian with respect to up to eight inputs (second-order forward mode).</summary>
public readonly struct Dual2 : IScalar<Dual2>
{
    private readonly Vector512<double> gradient;
    private readonly HessianRows hessian;

    private Dual2(double value, Vector512<double> gradient, HessianRows hessian)
    {
        Value = value;
        this.gradient = gradient;
        this.hessian = hessian;
    }

    public double Value { get; }

    /// <summary>d(this)/d(input i).</summary>
    public double Derivative(int i) => gradient.GetElement(i);

    /// <summary>d2(this)/d(input i) d(input j).</summary>
    public double SecondDerivative(int i, int j) => hessian[i].GetElement(j);

    /// <summary>Input number <paramref name="index"/> (0 .. 7) with value <paramref name="value"/>.</summary>
    public static Dual2 Variable(double value, int index) => new(value, Dual.Unit(index), default);

    public static Dual2 Constant(double value) => new(value, Vector512<double>.Zero, default);

    // f(a) for a scalar function f with f'(a) = d1 and f''(a) = d2: H = d1 * Ha + d2 * ga ga^T.
    private static Dual2 Chain(in Dual2 a, double value, double d1, double d2)
    {
        HessianRows h = default;
        for (int i = 0; i < Scalar.MaxInputs; i++)
            h[i] = a.hessian[i] * d1 + a.gradient * (d2 * a.gradient.GetElement(i));
        return new(value, a.gradient * d1, h);
    }

    private static Dual2 Scale(in Dual2 a, double value, double factor)
    {
        HessianRows h = default;
        for (int i = 0; i < Scalar.MaxInputs; i++) h[i] = a.hessian[i] * factor;
        return new(value, a.gradient * factor, h);
    }

    public static Dual2 operator +(Dual2 a, Dual2 b)
    {
        HessianRows h = default;
        for (int i = 0; i < Scalar.MaxInputs; i++) h[i] = a.hessian[i] + b.hessian[i];
        return new(a.Value + b.Value, a.gradient + b.gradient, h);
    }
    public static Dual2 operator -(Dual2 a, Dual2 b) => a + (-b);
    public static Dual2 operator *(Dual2 a, Dual2 b)
    {
        HessianRows h = default;
        for (int i = 0; i < Scalar.MaxInputs; i++)
        {
            h[i] = a.hessian[i] * b.Value + b.hessian[i] * a.Value
                + b.gradient * a.gradient.GetElement(i) + a.gradient * b.gradient.GetElement(i);
        }
        return new(a.Value * b.Value, a.gradient * b.Value + b.gradient * a.Value, h);
    }
    public static Dual2 operator /(Dual2 a, Dual2 b) => a * Reciprocal(b);
    public static Dual2 operator -(Dual2 a) => Scale(a, -a.Value, -1.0);
    public static Dual2 operator +(Dual2 a, double b) => new(a.Value + b, a.gradient, a.hessian);
    public static Dual2 operator +(double a, Dual2 b) => new(a + b.Value, b.gradient, b.hessian);
    public static Dual2 operator -(Dual2 a, double b) => new(a.Value - b, a.gradient, a.hessian);
    public static Dual2 operator -(double a, Dual2 b) => Scale(b, a - b.Value, -1.0);
    public static Dual2 operator *(Dual2 a, double b) => Scale(a, a.Value * b, b);
    public static Dual2 operator *(double a, Dual2 b) => Scale(b, a * b.Value, a);
    public static Dual2 operator /(Dual2 a, double b) => Scale(a, a.Value / b, 1.0 / b);
    public static Dual2 operator /(double a, Dual2 b) => Reciprocal(b) * a;

    private static Dual2 Reciprocal(in Dual2 a)
    {
        double r = 1.0 / a.Value;
        return Chain(a, r, -r * r, 2 * r * r * r);
    }
    public static Dual2 Sin(Dual2 a)
    {
        double s = Math.Sin(a.Value);
        return Chain(a, s, Math.Cos(a.Value), -s);
    }
    public static Dual2 Cos(Dual2 a)
    {
        double c = Math.Cos(a.Value);
        return Chain(a, c, -Math.Sin(a.Value), -c);
    }
    public static (Dual2 Sin, Dual2 Cos) SinCos(Dual2 a)
    {
        (double s, double c) = Math.SinCos(a.Value);
        return (Chain(a, s, c, -s), Chain(a, c, -s, -c));
    }
    public static Dual2 Exp(Dual2 a)
    {
        double e = Math.Exp(a.Value);
        return Chain(a, e, e, e);
    }
    public static Dual2 Log(Dual2 a) => Chain(a, Math.Log(a.Value), 1.0 / a.Value, -1.0 / (a.Value * a.Value));
    public static Dual2 Sqrt(Dual2 a)
    {
        double s = Math.Sqrt(a.Value);
        return Chain(a, s, 0.5 / s, -0.25 / (s * a.Value));
    }
    public static Dual2 Tanh(Dual2 a)
    {
        double t = Math.Tanh(a.Value);
        return Chain(a, t, 1 - t * t, -2 * t * (1 - t * t));
    }
}
