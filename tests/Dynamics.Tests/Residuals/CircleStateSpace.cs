using Control.Core.Models;

namespace Control.Dynamics.Tests.Residuals;

/// <summary>
/// A test manifold: x = (cos a, sin a, w) with tangent (da, dw), so coordinates (3) and tangent (2) differ as for a
/// quaternion state.
/// </summary>
internal sealed class CircleStateSpace : IStateSpace
{
    public int Size => 3;
    public int TangentSize => 2;

    public void Integrate(ReadOnlySpan<double> x, ReadOnlySpan<double> dx, Span<double> result)
    {
        (double s, double c) = Math.SinCos(dx[0]);
        double cos = x[0] * c - x[1] * s, sin = x[0] * s + x[1] * c;
        result[0] = cos;
        result[1] = sin;
        result[2] = x[2] + dx[1];
    }

    public void Difference(ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, Span<double> dx)
    {
        dx[0] = Math.Atan2(x0[0] * x1[1] - x0[1] * x1[0], x0[0] * x1[0] + x0[1] * x1[1]);
        dx[1] = x1[2] - x0[2];
    }
}
