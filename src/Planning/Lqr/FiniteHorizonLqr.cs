// Finite-horizon time-varying LQR by backward dynamic programming (Bellman's principle of optimality): starting from the
// terminal cost V_H, write the optimal u_t as a function of x_t for t = H-1 .. 0; then substitute the known x_0
// and fire the dynamics forward. With V_{t+1}(x) = 1/2 x'P x + p'x + s and x_{t+1} = A x + B u + c, the
// Q-function of step t is quadratic with
//     Qxx = Q + A'PA,   Quu = R + B'PB,   Qux = N + B'PA,
//     Qx  = q + A'(Pc + p),   Qu = r + B'(Pc + p),   Q0 = s + 1/2 c'Pc + p'c,
// minimized by u = K x + k with K = -Quu^-1 Qux and k = -Quu^-1 Qu, leaving
//     P_t = Qxx + Qux'K,   p_t = Qx + Qux'k,   s_t = Q0 + 1/2 Qu'k.
// Quu must be positive definite at every step (always true for Q_t >= 0, R_t > 0).
using Control.Core.Numerics;

namespace Control.Planning.Lqr;

/// <summary>
/// Backward-DP solver of <see cref="LqrProblem"/>s of one size; its gains follow the convention of <see cref="Trajectory"/>
/// (u_t = K_t x_t + k_t, K_t = -Quu^-1 Qux). Holds its workspace and its <see cref="Solution"/>,
/// reused by every <see cref="Solve(LqrProblem)"/>, which allocates nothing. Not thread-safe.
/// </summary>
public sealed class FiniteHorizonLqr
{
    private readonly double[] pa, pb, quu, qux, qxx, next, qx, qu, scratch;

    /// <summary>A solver for problems with n states, m controls and H steps.</summary>
    public FiniteHorizonLqr(int stateSize, int controlSize, int horizon)
    {
        Solution = new LqrSolution(stateSize, controlSize, horizon);
        int n = stateSize, m = controlSize;
        pa = new double[n * n];
        pb = new double[n * m];
        quu = new double[m * m];
        qux = new double[m * n];
        qxx = new double[n * n];
        next = new double[n];
        qx = new double[n];
        qu = new double[m];
        scratch = new double[Math.Max(n, m) * Math.Max(n, m)];
    }

    /// <summary>The result of the last solve (overwritten by the next).</summary>
    public LqrSolution Solution { get; }

    /// <summary>
    /// Validates <paramref name="problem"/> (see <see cref="LqrProblem.Validate"/>) and solves it by backward DP
    /// into <see cref="Solution"/>. Throws <see cref="LqrException"/> if R_t + B_t'P_{t+1}B_t is not positive definite.
    /// </summary>
    public LqrSolution Solve(LqrProblem problem)
    {
        CheckSize(problem);
        problem.Validate(scratch);
        int failedStep = Backward(problem);
        if (failedStep >= 0)
        {
            throw new LqrException(LqrFailure.ControlHessianNotPositiveDefinite,
                $"FiniteHorizonLqr: R_t + B_t'P_(t+1) B_t is not positive definite at step t = {failedStep}; the problem is not convex in u_{failedStep}.");
        }
        return Solution;
    }

    /// <summary>
    /// Solves the time-invariant problem of <see cref="LqrProblem.TimeInvariant"/> (allocating a problem and a solver).
    /// </summary>
    public static LqrSolution Solve(double[,] a, double[,] b, double[,] q, double[,] r, double[,] finalQ, int horizon, double[,]? crossWeight = null)
    {
        LqrProblem problem = LqrProblem.TimeInvariant(a, b, q, r, finalQ, horizon, crossWeight);
        return new FiniteHorizonLqr(problem.StateSize, problem.ControlSize, horizon).Solve(problem);
    }

    /// <summary>
    /// The backward pass without input checks, for callers that build the problem themselves (planners).
    /// Returns -1 on success, or the step t where Quu was not positive definite (the solution is then partial).
    /// </summary>
    internal int Backward(LqrProblem problem)
    {
        CheckSize(problem);
        int n = problem.StateSize, m = problem.ControlSize;
        LqrSolution solution = Solution;
        problem.FinalQ.CopyTo(solution.P(problem.Horizon));
        problem.FinalLinear.CopyTo(solution.ValueLinear(problem.Horizon));
        solution.ValueConstant(problem.Horizon) = 0;

        for (int t = problem.Horizon - 1; t >= 0; t--)
        {
            ReadOnlySpan<double> a = problem.A(t), b = problem.B(t), c = problem.Drift(t);
            ReadOnlySpan<double> p = solution.P(t + 1), pLinear = solution.ValueLinear(t + 1);

            // PA, PB and next = P c + p.
            DenseMatrix.Gemm(false, false, n, n, n, 1, p, a, 0, pa);
            DenseMatrix.Gemm(false, false, n, n, m, 1, p, b, 0, pb);
            DenseMatrix.Gemv(false, n, n, 1, p, c, 0, next);
            double q0 = solution.ValueConstant(t + 1);
            for (int i = 0; i < n; i++)
            {
                q0 += (0.5 * next[i] + pLinear[i]) * c[i];
                next[i] += pLinear[i];
            }

            // The Q-function's blocks.
            problem.Q(t).CopyTo(qxx);
            DenseMatrix.Gemm(true, false, n, n, n, 1, a, pa, 1, qxx);
            problem.R(t).CopyTo(quu);
            DenseMatrix.Gemm(true, false, m, n, m, 1, b, pb, 1, quu);
            problem.N(t).CopyTo(qux);
            DenseMatrix.Gemm(true, false, m, n, n, 1, b, pa, 1, qux);
            problem.StateLinear(t).CopyTo(qx);
            DenseMatrix.Gemv(true, n, n, 1, a, next, 1, qx);
            problem.ControlLinear(t).CopyTo(qu);
            DenseMatrix.Gemv(true, m, n, 1, b, next, 1, qu);

            // K = -Quu^-1 Qux, k = -Quu^-1 Qu.
            DenseMatrix.Symmetrize(quu, m);
            if (!Cholesky.Factor(quu, m, quu)) return t;
            Span<double> gain = solution.K(t), feedforward = solution.Feedforward(t);
            Cholesky.SolveNegated(quu, m, qux, gain, n);
            Cholesky.SolveNegated(quu, m, qu, feedforward);
            double quK = 0;
            for (int i = 0; i < m; i++) quK += qu[i] * feedforward[i];

            // P_t = Qxx + Qux'K, p_t = Qx + Qux'k, s_t = Q0 + 1/2 Qu'k.
            Span<double> pt = solution.P(t);
            qxx.CopyTo(pt);
            DenseMatrix.Gemm(true, false, n, m, n, 1, qux, gain, 1, pt);
            DenseMatrix.Symmetrize(pt, n);
            Span<double> linear = solution.ValueLinear(t);
            qx.CopyTo(linear);
            DenseMatrix.Gemv(true, n, m, 1, qux, feedforward, 1, linear);
            solution.ValueConstant(t) = q0 + 0.5 * quK;
        }
        return -1;
    }

    private void CheckSize(LqrProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.StateSize != Solution.StateSize || problem.ControlSize != Solution.ControlSize || problem.Horizon != Solution.Horizon)
        {
            throw new ArgumentException(
                $"FiniteHorizonLqr: solver is for n={Solution.StateSize}, m={Solution.ControlSize}, H={Solution.Horizon}, got a problem with n={problem.StateSize}, m={problem.ControlSize}, H={problem.Horizon}.");
        }
    }
}
