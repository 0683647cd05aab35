// Transition data for the learned-model tests: a known linear system (to recover A and B from the learned
// model's Jacobians) and a pendulum-like nonlinear one, sampled uniformly with a fixed seed.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;

namespace Control.Dynamics.Tests.Learned;

internal sealed record Transitions(double[] States, double[] Controls, double[] NextStates, int Count);

internal static class LearnedTestData
{
    // A lightly damped oscillator discretized with dt = 0.1 (n = 2, m = 1).
    public static readonly double[] A = [1.0, 0.1, -0.2, 0.95];
    public static readonly double[] B = [0.0, 0.1];

    public static LinearDynamics Linear() => new(A, B, 2, timeStep: 0.1, bounds: Box.Uniform(1, -2, 2));

    /// <summary>x, u uniform in [-1, 1], x' = f(x, u) + noise N(0, noise^2).</summary>
    public static Transitions Sample(IDynamics f, int count, double noise, long seed)
    {
        var rng = new Rng(seed);
        int n = f.StateSize, m = f.ControlSize;
        var x = new double[count * n];
        var u = new double[count * m];
        var next = new double[count * n];
        DynamicsWorkspace w = f.CreateWorkspace();
        rng.FillUniform(x, -1, 1);
        rng.FillUniform(u, -1, 1);
        for (int r = 0; r < count; r++)
        {
            f.Step(w, x.AsSpan(r * n, n), u.AsSpan(r * m, m), next.AsSpan(r * n, n));
            for (int i = 0; i < n; i++) next[r * n + i] += noise * rng.Normal();
        }
        return new Transitions(x, u, next, count);
    }

    /// <summary>Pendulum-like data: x' = x + 0.1 (x1, -sin x0 - 0.1 x1 + u).</summary>
    public static Transitions Pendulum(int count, long seed)
    {
        var rng = new Rng(seed);
        var x = new double[count * 2];
        var u = new double[count];
        var next = new double[count * 2];
        for (int r = 0; r < count; r++)
        {
            double q = rng.Uniform(-Math.PI, Math.PI), v = rng.Uniform(-2, 2), a = rng.Uniform(-1, 1);
            x[2 * r] = q;
            x[2 * r + 1] = v;
            u[r] = a;
            next[2 * r] = q + 0.1 * v;
            next[2 * r + 1] = v + 0.1 * (-Math.Sin(q) - 0.1 * v + a);
        }
        return new Transitions(x, u, next, count);
    }
}
