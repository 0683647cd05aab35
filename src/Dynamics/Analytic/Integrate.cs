namespace Control.Dynamics.Analytic;

/// <summary>Explicit integrators with u held constant over the step (zero-order hold).</summary>
public static class Integrate
{
    /// <summary>Classic fourth-order Runge-Kutta: x + dt/6 (k1 + 2 k2 + 2 k3 + k4).</summary>
    public static void RungeKutta4<T, TEquations>(in TEquations g, ReadOnlySpan<T> x, ReadOnlySpan<T> u, double dt, Span<T> next)
        where T : unmanaged, IScalar<T>
        where TEquations : struct, IContinuousEquations
    {
        int n = x.Length;
        Span<T> k1 = stackalloc T[n];
        Span<T> k2 = stackalloc T[n];
        Span<T> k3 = stackalloc T[n];
        Span<T> k4 = stackalloc T[n];
        Span<T> y = stackalloc T[n];
        double half = dt / 2.0;
        g.Derivative(x, u, k1);
        for (int i = 0; i < n; i++) y[i] = x[i] + half * k1[i];
        g.Derivative<T>(y, u, k2);
        for (int i = 0; i < n; i++) y[i] = x[i] + half * k2[i];
        g.Derivative<T>(y, u, k3);
        for (int i = 0; i < n; i++) y[i] = x[i] + dt * k3[i];
        g.Derivative<T>(y, u, k4);
        for (int i = 0; i < n; i++) next[i] = x[i] + dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
    }

    /// <summary>Explicit Euler: x + dt g(x, u).</summary>
    public static void Euler<T, TEquations>(in TEquations g, ReadOnlySpan<T> x, ReadOnlySpan<T> u, double dt, Span<T> next)
        where T : unmanaged, IScalar<T>
        where TEquations : struct, IContinuousEquations
    {
        int n = x.Length;
        Span<T> k = stackalloc T[n];
        g.Derivative(x, u, k);
        for (int i = 0; i < n; i++) next[i] = x[i] + dt * k[i];
    }
}
