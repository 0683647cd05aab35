// The box-constrained quadratic program of control-limited DDP (Tassa, Mansard and Todorov, "Control-limited
// differential dynamic programming", ICRA 2014): minimize 1/2 x'Hx + g'x subject to lower <= x <= upper, by
// projected Newton. Each iteration fixes the clamped set (at a bound with the gradient pushing outward), takes a
// Newton step on the free variables and backtracks along the projection until the Armijo test holds. The solver
// returns the free set and the Cholesky factor of H restricted to it, from which the backward pass builds the
// feedback gains of the free controls (clamped controls get zero feedback).
using Control.Core.Numerics;

namespace Control.Planning.IterativeLqr;

/// <summary>Scratch memory for box QPs of up to a given size; one per thread.</summary>
public sealed class BoxQp
{
    private const double GradientTolerance = 1e-10;
    private const double MinimumStep = 1e-12;
    private const double ArmijoFraction = 0.1;
    private const int MaxIterations = 100;

    private readonly double[] gradient;
    private readonly double[] direction;
    private readonly double[] candidate;
    private readonly double[] freeHessian;
    private readonly double[] freeRhs;
    private readonly int[] freeIndex;

    /// <summary>Workspace for problems with up to <paramref name="maxSize"/> variables.</summary>
    public BoxQp(int maxSize)
    {
        if (maxSize <= 0) throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "expected at least one variable");
        MaxSize = maxSize;
        gradient = new double[maxSize];
        direction = new double[maxSize];
        candidate = new double[maxSize];
        freeHessian = new double[maxSize * maxSize];
        freeRhs = new double[maxSize];
        freeIndex = new int[maxSize];
        Free = new bool[maxSize];
        FreeCholesky = new double[maxSize * maxSize];
    }

    /// <summary>Largest problem size.</summary>
    public int MaxSize { get; }

    /// <summary>After <see cref="Solve"/>: whether each variable is free (not clamped).</summary>
    public bool[] Free { get; }

    /// <summary>After <see cref="Solve"/>: number of free variables.</summary>
    public int FreeCount { get; private set; }

    /// <summary>
    /// After <see cref="Solve"/>: lower Cholesky factor L (FreeCount x FreeCount, row-major, leading dimension
    /// FreeCount) of H restricted to the free variables, in increasing index order.
    /// </summary>
    public double[] FreeCholesky { get; }

    /// <summary>Iterations of the last solve.</summary>
    public int Iterations { get; private set; }

    /// <summary>
    /// Minimizes 1/2 x'Hx + g'x over lower &lt;= x &lt;= upper (H is k x k row-major, symmetric), starting from
    /// <paramref name="x"/> (clamped into the box first) and leaving the solution in it.
    /// </summary>
    public BoxQpStatus Solve(ReadOnlySpan<double> h, ReadOnlySpan<double> g, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, Span<double> x)
    {
        int k = g.Length;
        if (k > MaxSize) throw new ArgumentException($"BoxQp: workspace holds {MaxSize} variables, got a problem with {k}.");
        if (h.Length != k * k || lower.Length != k || upper.Length != k || x.Length != k)
            throw new ArgumentException($"BoxQp: expected H of length {k * k} and bounds and x of length {k}, got {h.Length}, {lower.Length}, {upper.Length}, {x.Length}.");
        for (int i = 0; i < k; i++)
        {
            if (!(lower[i] <= upper[i])) throw new ArgumentException($"BoxQp: bound {i} is empty: lower {lower[i]} > upper {upper[i]}.");
            x[i] = Math.Clamp(x[i], lower[i], upper[i]);
        }

        double value = Objective(h, g, x);
        BoxQpStatus status = BoxQpStatus.MaxIterations;
        Iterations = 0;
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            Iterations = iteration + 1;

            // Gradient and the clamped set at the current point.
            Gradient(h, g, x, gradient);
            int free = 0;
            for (int i = 0; i < k; i++)
            {
                bool clamped = (x[i] <= lower[i] && gradient[i] > 0) || (x[i] >= upper[i] && gradient[i] < 0);
                Free[i] = !clamped;
                if (!clamped) freeIndex[free++] = i;
            }
            FreeCount = free;
            if (free == 0)
            {
                status = BoxQpStatus.AllClamped;
                break;
            }

            // Factor H on the free set (this is also what the caller needs for the gains).
            if (!FactorFree(h, k, free))
            {
                status = BoxQpStatus.HessianNotPositiveDefinite;
                break;
            }

            double projectedGradientNorm = 0;
            for (int a = 0; a < free; a++) projectedGradientNorm = Math.Max(projectedGradientNorm, Math.Abs(gradient[freeIndex[a]]));
            if (projectedGradientNorm < GradientTolerance)
            {
                status = BoxQpStatus.Converged;
                break;
            }

            // Newton step on the free set: direction = -H_ff^-1 grad_f (clamped variables stay).
            for (int a = 0; a < free; a++) freeRhs[a] = -gradient[freeIndex[a]];
            Cholesky.Solve(FreeCholesky.AsSpan(0, free * free), free, freeRhs.AsSpan(0, free));
            Array.Clear(direction, 0, k);
            for (int a = 0; a < free; a++) direction[freeIndex[a]] = freeRhs[a];

            // Projected backtracking: accept when the decrease is a fraction of the linear prediction.
            double step = 1.0;
            double candidateValue = double.NaN;
            bool accepted = false;
            while (step >= MinimumStep)
            {
                double predicted = 0;
                for (int i = 0; i < k; i++)
                {
                    candidate[i] = Math.Clamp(x[i] + step * direction[i], lower[i], upper[i]);
                    predicted += gradient[i] * (x[i] - candidate[i]);
                }
                candidateValue = Objective(h, g, candidate);
                if (value - candidateValue >= ArmijoFraction * predicted && predicted >= 0)
                {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted)
            {
                status = BoxQpStatus.Converged;
                break;
            }
            double improvement = value - candidateValue;
            candidate.AsSpan(0, k).CopyTo(x);
            value = candidateValue;
            if (improvement <= 1e-14 * (1 + Math.Abs(value)))
            {
                status = BoxQpStatus.Converged;
                break;
            }
        }
        return status;
    }

    private bool FactorFree(ReadOnlySpan<double> h, int k, int free)
    {
        for (int a = 0; a < free; a++)
        {
            for (int b = 0; b < free; b++) freeHessian[a * free + b] = h[freeIndex[a] * k + freeIndex[b]];
        }
        return Cholesky.Factor(freeHessian.AsSpan(0, free * free), free, FreeCholesky.AsSpan(0, free * free));
    }

    private static void Gradient(ReadOnlySpan<double> h, ReadOnlySpan<double> g, ReadOnlySpan<double> x, Span<double> result)
    {
        int k = g.Length;
        for (int i = 0; i < k; i++)
        {
            double sum = g[i];
            for (int j = 0; j < k; j++) sum += h[i * k + j] * x[j];
            result[i] = sum;
        }
    }

    private static double Objective(ReadOnlySpan<double> h, ReadOnlySpan<double> g, ReadOnlySpan<double> x)
    {
        int k = g.Length;
        double value = 0;
        for (int i = 0; i < k; i++)
        {
            double hx = 0;
            for (int j = 0; j < k; j++) hx += h[i * k + j] * x[j];
            value += x[i] * (0.5 * hx + g[i]);
        }
        return value;
    }
}
