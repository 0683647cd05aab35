// Scalar types that let a robot's equations be written once and evaluated three ways: as plain doubles
// (Real), with exact first derivatives (Dual, forward-mode automatic differentiation) and with exact first
// and second derivatives (Dual2). Derivatives are exact up to rounding, not finite differences: each
// operation applies the chain rule to the derivative parts. Up to MaxInputs inputs (state plus control).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Control.Dynamics.Analytic;

/// <summary>A real number type that equations are written against; <c>Real</c>, <c>Dual</c> and <c>Dual2</c> implement it.</summary>
public interface IScalar<T> where T : unmanaged, IScalar<T>
{
    /// <summary>The value part.</summary>
    double Value { get; }

    /// <summary>A constant (all derivatives zero).</summary>
    static abstract T Constant(double value);

    static abstract T operator +(T a, T b);
    static abstract T operator -(T a, T b);
    static abstract T operator *(T a, T b);
    static abstract T operator /(T a, T b);
    static abstract T operator -(T a);
    static abstract T operator +(T a, double b);
    static abstract T operator +(double a, T b);
    static abstract T operator -(T a, double b);
    static abstract T operator -(double a, T b);
    static abstract T operator *(T a, double b);
    static abstract T operator *(double a, T b);
    static abstract T operator /(T a, double b);
    static abstract T operator /(double a, T b);

    static abstract T Sin(T a);
    static abstract T Cos(T a);
    /// <summary>Sine and cosine of one angle, from one evaluation (bitwise the same as <see cref="Sin"/> and <see cref="Cos"/>).</summary>
    static abstract (T Sin, T Cos) SinCos(T a);
    static abstract T Exp(T a);
    static abstract T Log(T a);
    static abstract T Sqrt(T a);
    static abstract T Tanh(T a);
}

/// <summary>Piecewise operations on any <see cref="IScalar{T}"/>, with the one-sided derivatives they imply.</summary>
public static class Scalar
{
    /// <summary>Most inputs (states plus controls) whose derivatives <see cref="Dual"/> and <see cref="Dual2"/> carry.</summary>
    public const int MaxInputs = 8;

    /// <summary>x squared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Square<T>(T x) where T : unmanaged, IScalar<T> => x * x;

    /// <summary>x clipped to [low, high]; the derivative is zero where the bound is active.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Clamp<T>(T x, double low, double high) where T : unmanaged, IScalar<T>
        => x.Value < low ? T.Constant(low) : x.Value > high ? T.Constant(high) : x;

    /// <summary>((x + pi) mod 2 pi) - pi, Gymnasium's angle_normalize; derivative one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T NormalizeAngle<T>(T x) where T : unmanaged, IScalar<T>
    {
        double wrapped = PythonMod(x.Value + Math.PI, 2 * Math.PI) - Math.PI;
        return x + (wrapped - x.Value);
    }

    /// <summary>Python's float modulo: the result has the sign of the divisor.</summary>
    public static double PythonMod(double a, double b)
    {
        double r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }
}

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

/// <summary>Eight rows of eight doubles: the Hessian block of a <see cref="Dual2"/>.</summary>
[InlineArray(Scalar.MaxInputs)]
public struct HessianRows
{
    private Vector512<double> row;
}

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
