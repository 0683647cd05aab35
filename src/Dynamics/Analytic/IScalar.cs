// Scalar types that let a robot's equations be written once and evaluated three ways: as plain doubles
// (Real), with exact first derivatives (Dual, forward-mode automatic differentiation) and with exact first
// and second derivatives (Dual2). Derivatives are exact up to rounding, not finite differences: each
// operation applies the chain rule to the derivative parts. Up to MaxInputs inputs (state plus control).
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
