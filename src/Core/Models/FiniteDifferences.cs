// Central finite differences of any IDynamics or ICost: the independent check of analytic, autodiff and
// simulator derivatives, and a fallback for models that provide none.
namespace Control.Core.Models;

/// <summary>Central-difference derivatives (double precision, step h scaled by max(1, |x|)).</summary>
public static class FiniteDifferences
{
    /// <summary>Fills Fx (n x n) and Fu (n x m) of <paramref name="model"/> at (x, u) by central differences.</summary>
    public static void Linearize(IDynamics model, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> fx, Span<double> fu, double h = 1e-6)
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
