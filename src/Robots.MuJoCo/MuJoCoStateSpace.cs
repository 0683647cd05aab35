// The manifold of a MuJoCo state x = [qpos, qvel, act]: positions move by mj_integratePos and compare by
// mj_differentiatePos (unit quaternions of free and ball joints stay unit), velocities and activations are
// Euclidean. These are the tangent coordinates mjd_transitionFD's Jacobians are expressed in.
using Control.Core.Models;
using Control.Robots.MuJoCo.Interop;

namespace Control.Robots.MuJoCo;

/// <summary>x = [qpos (nq), qvel (nv), act (na)] with tangent [dq (nv), dqvel (nv), dact (na)].</summary>
public sealed unsafe class MuJoCoStateSpace : IStateSpace
{
    private readonly MuJoCoModel model;

    /// <summary>The state space of <paramref name="model"/>.</summary>
    public MuJoCoStateSpace(MuJoCoModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
    }

    /// <inheritdoc />
    public int Size => model.Nq + model.Nv + model.Na;

    /// <inheritdoc />
    public int TangentSize => 2 * model.Nv + model.Na;

    /// <inheritdoc />
    public void Integrate(ReadOnlySpan<double> x, ReadOnlySpan<double> dx, Span<double> result)
    {
        Check(x.Length, Size, "x");
        Check(dx.Length, TangentSize, "dx");
        Check(result.Length, Size, "result");
        int nq = model.Nq, nv = model.Nv;
        x[..nq].CopyTo(result);
        fixed (double* q = result, v = dx) MuJoCoNative.IntegratePos(model.Pointer, q, v);
        for (int i = 0; i < nv + model.Na; i++) result[nq + i] = x[nq + i] + dx[nv + i];
        GC.KeepAlive(model);
    }

    /// <inheritdoc />
    public void Difference(ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, Span<double> dx)
    {
        Check(x0.Length, Size, "x0");
        Check(x1.Length, Size, "x1");
        Check(dx.Length, TangentSize, "dx");
        int nq = model.Nq, nv = model.Nv;
        fixed (double* v = dx, q0 = x0, q1 = x1) MuJoCoNative.DifferentiatePos(model.Pointer, v, q0, q1);
        for (int i = 0; i < nv + model.Na; i++) dx[nv + i] = x1[nq + i] - x0[nq + i];
        GC.KeepAlive(model);
    }

    private void Check(int got, int expected, string what)
    {
        if (got != expected) throw new ArgumentException($"{model.Source}: expected {what} of length {expected}, got {got}");
    }
}
