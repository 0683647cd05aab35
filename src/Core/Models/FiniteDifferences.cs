// Central finite differences of any IDynamics or ICost: the independent check of analytic, autodiff and
// simulator derivatives, and a fallback for models that provide none. On a state manifold (IStateSpace) they are
// taken in tangent coordinates: states are perturbed with Integrate(x, +-h e_j) and outputs mapped to the tangent
// at f(x, u) with Difference.
namespace Control.Core.Models;

/// <summary>Central-difference derivatives (double precision, step h scaled by max(1, |x|) in coordinates, h in tangents).</summary>
public static class FiniteDifferences
{
    /// <summary>
    /// Fills Fx (nt x nt) and Fu (nt x m) of <paramref name="model"/> at (x, u) by central differences, in the tangent
    /// coordinates of its <see cref="IDynamics.StateSpace"/> (nt = n for Euclidean states).
    /// </summary>
    public static void Linearize(IDynamics model, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> fx, Span<double> fu, double h = 1e-6)
    {
        IStateSpace space = model.StateSpace;
        int nt = space.TangentSize, m = model.ControlSize;
        ModelChecks.Length(nameof(FiniteDifferences), "Fx (nt x nt)", nt * nt, fx.Length);
        ModelChecks.Length(nameof(FiniteDifferences), "Fu (nt x m)", nt * m, fu.Length);
        if (ModelChecks.IsEuclidean(space)) LinearizeEuclidean(model, x, u, fx, fu, h);
        else LinearizeTangent(model, space, x, u, fx, fu, h);
    }

    private static void LinearizeEuclidean(IDynamics model, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> fx, Span<double> fu, double h)
    {
        int n = model.StateSize, m = model.ControlSize;
        DynamicsWorkspace ws = model.CreateWorkspace();
        double[] xp = x.ToArray(), up = u.ToArray();
        var plus = new double[n];
        var minus = new double[n];
        for (int j = 0; j < n + m; j++)
        {
            double[] v = j < n ? xp : up;
            int k = j < n ? j : j - n;
            double orig = v[k], step = h * Math.Max(1.0, Math.Abs(orig));
            v[k] = orig + step;
            model.Step(ws, xp, up, plus);
            v[k] = orig - step;
            model.Step(ws, xp, up, minus);
            v[k] = orig;
            for (int i = 0; i < n; i++)
            {
                double dfdv = (plus[i] - minus[i]) / (2 * step);
                if (j < n) fx[i * n + j] = dfdv;
                else fu[i * m + k] = dfdv;
            }
        }
    }

    // x moves along Integrate(x, +-h e_j); each output f(x+-, u) is read as Difference(f(x, u), f(x+-, u)).
    private static void LinearizeTangent(IDynamics model, IStateSpace space, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> fx, Span<double> fu, double h)
    {
        int n = model.StateSize, nt = space.TangentSize, m = model.ControlSize;
        DynamicsWorkspace ws = model.CreateWorkspace();
        double[] up = u.ToArray(), center = new double[n], moved = new double[n], next = new double[n];
        double[] direction = new double[nt], plus = new double[nt], minus = new double[nt];
        model.Step(ws, x, up, center);
        for (int j = 0; j < nt + m; j++)
        {
            double step;
            if (j < nt)
            {
                step = h;
                direction[j] = step;
                space.Integrate(x, direction, moved);
                model.Step(ws, moved, up, next);
                space.Difference(center, next, plus);
                direction[j] = -step;
                space.Integrate(x, direction, moved);
                model.Step(ws, moved, up, next);
                space.Difference(center, next, minus);
                direction[j] = 0;
            }
            else
            {
                int k = j - nt;
                double orig = up[k];
                step = h * Math.Max(1.0, Math.Abs(orig));
                up[k] = orig + step;
                model.Step(ws, x, up, next);
                space.Difference(center, next, plus);
                up[k] = orig - step;
                model.Step(ws, x, up, next);
                space.Difference(center, next, minus);
                up[k] = orig;
            }
            for (int i = 0; i < nt; i++)
            {
                double derivative = (plus[i] - minus[i]) / (2 * step);
                if (j < nt) fx[i * nt + j] = derivative;
                else fu[i * m + j - nt] = derivative;
            }
        }
    }

    /// <summary>
    /// Gradient (nt) of a scalar function of the state in the tangent coordinates of <paramref name="space"/> at
    /// <paramref name="x"/>: d f(Integrate(x, dx)) / d dx at dx = 0, by central differences with step h.
    /// </summary>
    public static void TangentGradient(IStateSpace space, Func<double[], double> f, ReadOnlySpan<double> x, Span<double> gradient, double h = 1e-6)
    {
        int nt = space.TangentSize;
        ModelChecks.Length(nameof(FiniteDifferences), "gradient (nt)", nt, gradient.Length);
        var direction = new double[nt];
        var moved = new double[space.Size];
        double[] origin = x.ToArray();
        double At(int j, double step)
        {
            direction[j] = step;
            space.Integrate(origin, direction, moved);
            direction[j] = 0;
            return f(moved);
        }
        for (int j = 0; j < nt; j++) gradient[j] = (At(j, h) - At(j, -h)) / (2 * h);
    }

    /// <summary>
    /// Hessian (nt x nt, row-major, symmetric) of a scalar function of the state in the tangent coordinates of
    /// <paramref name="space"/> at <paramref name="x"/>: d2 f(Integrate(x, dx)) / d dx2 at dx = 0, by central differences of values.
    /// </summary>
    public static void TangentHessian(IStateSpace space, Func<double[], double> f, ReadOnlySpan<double> x, Span<double> hessian, double h = 1e-4)
    {
        int nt = space.TangentSize;
        ModelChecks.Length(nameof(FiniteDifferences), "Hessian (nt x nt)", nt * nt, hessian.Length);
        var direction = new double[nt];
        var moved = new double[space.Size];
        double[] origin = x.ToArray();
        double At(int i, double di, int j, double dj)
        {
            direction[i] += di;
            direction[j] += dj;
            space.Integrate(origin, direction, moved);
            Array.Clear(direction);
            return f(moved);
        }
        for (int i = 0; i < nt; i++)
        {
            for (int j = i; j < nt; j++)
            {
                double value = (At(i, h, j, h) - At(i, h, j, -h) - At(i, -h, j, h) + At(i, -h, j, -h)) / (4 * h * h);
                hessian[i * nt + j] = value;
                hessian[j * nt + i] = value;
            }
        }
    }

    /// <summary>Gradient of a scalar function of z by central differences.</summary>
    public static void Gradient(Func<double[], double> f, ReadOnlySpan<double> z, Span<double> gradient, double h = 1e-6)
    {
        double[] p = z.ToArray();
        for (int j = 0; j < p.Length; j++)
        {
            double orig = p[j], step = h * Math.Max(1.0, Math.Abs(orig));
            p[j] = orig + step;
            double fp = f(p);
            p[j] = orig - step;
            double fm = f(p);
            p[j] = orig;
            gradient[j] = (fp - fm) / (2 * step);
        }
    }

    /// <summary>Hessian (row-major, symmetric) of a scalar function of z by central differences of values.</summary>
    public static void Hessian(Func<double[], double> f, ReadOnlySpan<double> z, Span<double> hessian, double h = 1e-4)
    {
        double[] p = z.ToArray();
        int d = p.Length;
        for (int i = 0; i < d; i++)
        {
            for (int j = i; j < d; j++)
            {
                double oi = p[i], oj = p[j];
                double si = h * Math.Max(1.0, Math.Abs(oi)), sj = h * Math.Max(1.0, Math.Abs(oj));
                double Eval(double di, double dj)
                {
                    p[i] += di;
                    p[j] += dj;
                    double value = f(p);
                    p[i] = oi;
                    p[j] = oj;
                    return value;
                }
                double value = (Eval(si, sj) - Eval(si, -sj) - Eval(-si, sj) + Eval(-si, -sj)) / (4 * si * sj);
                hessian[i * d + j] = value;
                hessian[j * d + i] = value;
            }
        }
    }
}
