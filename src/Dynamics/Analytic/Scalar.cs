using System.Runtime.CompilerServices;

namespace Control.Dynamics.Analytic;

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
