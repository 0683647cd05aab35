// The box QP of control-limited DDP against brute force: every assignment of each variable to its lower bound,
// its upper bound or free (solving the free block exactly) is tried, and the best feasible one is the optimum.
using Control.Core;
using Control.Core.Numerics;
using Control.Planning.IterativeLqr;

namespace Control.Planning.Tests.IterativeLqr;

public class BoxQpTests
{
    [Fact]
    public void SolutionEqualsBruteForceOverActiveSets()
    {
        var rng = new Rng(21);
        var qp = new BoxQp(4);
        for (int trial = 0; trial < 200; trial++)
        {
            int k = 1 + trial % 4;
            var l = new double[k * k];
            for (int i = 0; i < l.Length; i++) l[i] = rng.Normal();
            var h = new double[k * k];
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++)
                {
                    double v = i == j ? 0.1 : 0;
                    for (int p = 0; p < k; p++) v += l[i * k + p] * l[j * k + p];
                    h[i * k + j] = v;
                }
            }
            var g = Enumerable.Range(0, k).Select(_ => 3 * rng.Normal()).ToArray();
            var lower = Enumerable.Range(0, k).Select(_ => rng.Uniform(-1.5, 0)).ToArray();
            var upper = lower.Select(v => v + rng.Uniform(0.2, 2)).ToArray();
            var x = new double[k];

            BoxQpStatus status = qp.Solve(h, g, lower, upper, x);
            Assert.True(status is BoxQpStatus.Converged or BoxQpStatus.AllClamped, $"trial {trial}: {status}");
            double best = BruteForce(h, g, lower, upper, k);
            Assert.True(Math.Abs(Objective(h, g, x) - best) <= 1e-9 * (1 + Math.Abs(best)), $"trial {trial}: {Objective(h, g, x)} vs brute force {best}");
            for (int i = 0; i < k; i++) Assert.InRange(x[i], lower[i], upper[i]);
        }
    }

    [Fact]
    public void IndefiniteHessianIsReportedAndBadShapesAreRejected()
    {
        var qp = new BoxQp(2);
        var x = new double[2];
        Assert.Equal(BoxQpStatus.HessianNotPositiveDefinite, qp.Solve([1, 0, 0, -1], [0.1, 0.1], [-1, -1], [1, 1], x));
        Assert.Throws<ArgumentException>(() => qp.Solve([1, 0, 0, 1], [0.1, 0.1], [1, -1], [-1, 1], x));
        Assert.Throws<ArgumentException>(() => qp.Solve([1, 0, 0], [0.1, 0.1], [-1, -1], [1, 1], x));
        Assert.Throws<ArgumentException>(() => new BoxQp(2).Solve(new double[9], new double[3], new double[3], new double[3], new double[3]));
    }

    private static double Objective(double[] h, double[] g, double[] x)
    {
        int k = g.Length;
        double value = 0;
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++) value += 0.5 * x[i] * h[i * k + j] * x[j];
            value += g[i] * x[i];
        }
        return value;
    }

    private static double BruteForce(double[] h, double[] g, double[] lower, double[] upper, int k)
    {
        double best = double.PositiveInfinity;
        int combinations = (int)Math.Pow(3, k);
        for (int code = 0; code < combinations; code++)
        {
            var x = new double[k];
            var free = new List<int>();
            int c = code;
            for (int i = 0; i < k; i++, c /= 3)
            {
                if (c % 3 == 0) x[i] = lower[i];
                else if (c % 3 == 1) x[i] = upper[i];
                else free.Add(i);
            }
            if (free.Count > 0)
            {
                int f = free.Count;
                var hf = new double[f * f];
                var rhs = new double[f];
                for (int a = 0; a < f; a++)
                {
                    rhs[a] = -g[free[a]];
                    for (int i = 0; i < k; i++)
                    {
                        if (!free.Contains(i)) rhs[a] -= h[free[a] * k + i] * x[i];
                    }
                    for (int b = 0; b < f; b++) hf[a * f + b] = h[free[a] * k + free[b]];
                }
                var factor = new double[f * f];
                Assert.True(Cholesky.Factor(hf, f, factor));
                Cholesky.Solve(factor, f, rhs);
                bool feasible = true;
                for (int a = 0; a < f; a++)
                {
                    x[free[a]] = rhs[a];
                    feasible &= rhs[a] >= lower[free[a]] - 1e-12 && rhs[a] <= upper[free[a]] + 1e-12;
                }
                if (!feasible) continue;
            }
            best = Math.Min(best, Objective(h, g, x));
        }
        return best;
    }
}
