// The state manifold of a free rigid body's attitude: x = (qw, qx, qy, qz, wx, wy, wz), a unit quaternion and body
// rates (n = 7), with tangent (rotation vector in the body frame, rate change) (nt = 6): the convention MuJoCo uses
// for a ball joint, whose qpos integrates qvel as body-frame angular velocity.
using Control.Core.Models;

namespace Control.Planning.Tests;

/// <summary>S3 x R3: Integrate(x, dx) = (q (x) exp(dx[0..3] / 2), w + dx[3..6]); Difference(x0, x1) = (2 log(q0^-1 (x) q1), w1 - w0).</summary>
public sealed class AttitudeStateSpace : IStateSpace
{
    /// <inheritdoc />
    public int Size => 7;

    /// <inheritdoc />
    public int TangentSize => 6;

    /// <inheritdoc />
    public void Integrate(ReadOnlySpan<double> x, ReadOnlySpan<double> dx, Span<double> result)
    {
        Span<double> turn = stackalloc double[4];
        Span<double> q = stackalloc double[4];
        Quaternions.FromRotationVector(dx[..3], turn);
        Quaternions.Multiply(x[..4], turn, q);
        Quaternions.Normalize(q);
        for (int i = 0; i < 3; i++) result[4 + i] = x[4 + i] + dx[3 + i];
        q.CopyTo(result);
    }

    /// <inheritdoc />
    public void Difference(ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, Span<double> dx)
    {
        Span<double> inverse = stackalloc double[4];
        Span<double> relative = stackalloc double[4];
        Quaternions.Conjugate(x0[..4], inverse);
        Quaternions.Multiply(inverse, x1[..4], relative);
        for (int i = 0; i < 3; i++) dx[3 + i] = x1[4 + i] - x0[4 + i];
        Quaternions.ToRotationVector(relative, dx[..3]);
    }
}
