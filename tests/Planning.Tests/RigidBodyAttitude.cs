// A rigid body's attitude driven by body torques: the test system of planning on a state manifold. Semi-implicit
// Euler with diagonal inertia I: w' = w + dt I^-1 (u - w x I w), then q' = q (x) exp(dt w' / 2) (body-frame rates,
// as MuJoCo integrates a ball joint). Its Jacobians come from the tangent finite differences of
// FiniteDifferences.Linearize; AnalyticJacobians gives the closed form they are checked against.
using Control.Core.Envs;
using Control.Core.Models;

namespace Control.Planning.Tests;

/// <summary>x = (q, w) on <see cref="AttitudeStateSpace"/> (n = 7, nt = 6), u = body torques (m = 3).</summary>
public sealed class RigidBodyAttitude(double timeStep = 0.05, double ix = 1, double iy = 2, double iz = 3) : IDynamics
{
    private readonly double[] inertia = [ix, iy, iz];
    private readonly AttitudeStateSpace space = new();

    /// <inheritdoc />
    public int StateSize => 7;

    /// <inheritdoc />
    public int ControlSize => 3;

    /// <inheritdoc />
    public IStateSpace StateSpace => space;

    /// <inheritdoc />
    public double TimeStep => timeStep;

    /// <inheritdoc />
    public Box ControlBounds { get; } = Box.Uniform(3, double.NegativeInfinity, double.PositiveInfinity);

    /// <inheritdoc />
    public DynamicsWorkspace CreateWorkspace() => new Workspace();

    /// <inheritdoc />
    public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
    {
        Span<double> rate = stackalloc double[3];
        NextRate(x[4..], u, rate);
        Span<double> turn = stackalloc double[4];
        Span<double> q = stackalloc double[4];
        Span<double> rotation = stackalloc double[3];
        for (int i = 0; i < 3; i++) rotation[i] = timeStep * rate[i];
        Quaternions.FromRotationVector(rotation, turn);
        Quaternions.Multiply(x[..4], turn, q);
        Quaternions.Normalize(q);
        q.CopyTo(next);
        rate.CopyTo(next[4..]);
    }

    /// <inheritdoc />
    public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> next, Span<double> fx, Span<double> fu)
    {
        Step(workspace, x, u, next);
        FiniteDifferences.Linearize(this, x, u, fx, fu);
    }

    /// <summary>
    /// The closed-form tangent Jacobians: with r = dt w' and W = dw'/dw = I + dt I^-1 ([I w]x - [w]x I),
    /// Fx = [[R(r)', dt Jr(r) W], [0, W]] and Fu = [[dt^2 Jr(r) I^-1], [dt I^-1]] (Fx 6 x 6, Fu 6 x 3, row-major).
    /// </summary>
    public (double[] Fx, double[] Fu) AnalyticJacobians(ReadOnlySpan<double> x, ReadOnlySpan<double> u)
    {
        double[] w = x[4..].ToArray();
        var rate = new double[3];
        NextRate(w, u, rate);
        double[] r = [timeStep * rate[0], timeStep * rate[1], timeStep * rate[2]];
        double[] rotation = Quaternions.RotationMatrix(r), jr = Quaternions.RightJacobian(r);
        double[] iw = [inertia[0] * w[0], inertia[1] * w[1], inertia[2] * w[2]];
        double[] skewW = Quaternions.Skew(w), skewIw = Quaternions.Skew(iw);
        var rateJacobian = new double[9];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                // d(w x I w)/dw = [w]x I - [I w]x.
                double gyroscopic = skewW[i * 3 + j] * inertia[j] - skewIw[i * 3 + j];
                rateJacobian[i * 3 + j] = (i == j ? 1 : 0) - timeStep / inertia[i] * gyroscopic;
            }
        }
        double[] jrW = Quaternions.Multiply3(jr, rateJacobian);
        var fx = new double[36];
        var fu = new double[18];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                fx[i * 6 + j] = rotation[j * 3 + i];
                fx[i * 6 + 3 + j] = timeStep * jrW[i * 3 + j];
                fx[(3 + i) * 6 + 3 + j] = rateJacobian[i * 3 + j];
                fu[i * 3 + j] = timeStep * timeStep * jr[i * 3 + j] / inertia[j];
                fu[(3 + i) * 3 + j] = i == j ? timeStep / inertia[i] : 0;
            }
        }
        return (fx, fu);
    }

    // w' = w + dt I^-1 (u - w x I w).
    private void NextRate(ReadOnlySpan<double> w, ReadOnlySpan<double> u, Span<double> rate)
    {
        double ax = inertia[0] * w[0], ay = inertia[1] * w[1], az = inertia[2] * w[2];
        double cx = w[1] * az - w[2] * ay, cy = w[2] * ax - w[0] * az, cz = w[0] * ay - w[1] * ax;
        rate[0] = w[0] + timeStep * (u[0] - cx) / inertia[0];
        rate[1] = w[1] + timeStep * (u[1] - cy) / inertia[1];
        rate[2] = w[2] + timeStep * (u[2] - cz) / inertia[2];
    }

    private sealed class Workspace : DynamicsWorkspace;
}
