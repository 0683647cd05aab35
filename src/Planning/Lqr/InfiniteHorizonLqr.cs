// Infinite-horizon discrete-time LQR: minimize sum_t x'Qx + u'Ru + 2 x'N u subject to x' = A x + B u by the
// stationary solution P of the discrete algebraic Riccati equation (DARE)
//     P = A'PA - (A'PB + N)(R + B'PB)^-1 (B'PA + N') + Q,
// with the optimal feedback u = K x, K = -(R + B'PB)^-1 (B'PA + N') (the gain convention of Trajectory: feedback is
// added). This is the backward DP of the finite-horizon
// problem run to its fixed point. The steps:
//   1. check the inputs (shapes, finite, Q and R symmetric, R > 0, [[Q, N], [N', R]] >= 0);
//   2. remove the cross term (u = v - R^-1 N' x gives A~ = A - B R^-1 N', Q~ = Q - N R^-1 N');
//   3. PBH tests: (A, B) stabilizable and (A~, Q~) detectable, else a typed error naming the mode. Detectability
//      is the textbook assumption under which P is the unique PSD solution and SDA converges to it; problems
//      whose unstable modes are unseen by Q (a stabilizing solution may still exist) are rejected;
//   4. the structure-preserving doubling algorithm (SDA; Chu, Fan, Lin & Wang 2004), which converges
//      quadratically: A_{k+1} = A_k W^-1 A_k, G_{k+1} = G_k + A_k W^-1 G_k A_k', H_{k+1} = H_k + A_k' H_k W^-1 A_k,
//      W = I + G_k H_k, from A_0 = A~, G_0 = B R^-1 B', H_0 = Q~; H_k -> P;
//   5. if SDA breaks down, plain Riccati iteration (the DP itself) from P = Q~ as a fallback;
//   6. K, the relative residual of the DARE, and the spectral radius of the closed loop A + B K, which must be below 1.
// N here is n x m (SciPy's `s`); the finite-horizon solver's N_t is its m x n transpose (u'N_t x).
using Control.Core.Numerics;

namespace Control.Planning.Lqr;

/// <summary>Infinite-horizon discrete LQR through the DARE.</summary>
public static class InfiniteHorizonLqr
{
    private const string Solver = "InfiniteHorizonLqr";

    // Riccati-iteration steps without a new smallest step after which the fallback counts as converged.
    private const int StallWindow = 100;

    // Modes within this distance of the unit circle count as on it (eigenvalues carry rounding error).
    private const double UnitCircleMargin = 1e-8;

    /// <summary>
    /// Solves the DARE for x' = A x + B u with stage cost x'Qx + u'Ru + 2 x'N u (N = <paramref name="crossWeight"/>: n x m, optional);
    /// the gain follows the convention of <see cref="Trajectory"/>: u = K x. Throws
    /// <see cref="LqrInputException"/> for malformed matrices and <see cref="LqrException"/> when (A, B) is not
    /// stabilizable, (A, Q) not detectable, or no stabilizing solution is found.
    /// </summary>
    public static InfiniteHorizonLqrSolution Solve(double[,] a, double[,] b, double[,] q, double[,] r, double[,]? crossWeight = null, DareConfig? config = null)
    {
        config ??= new DareConfig();
        CheckConfig(config);

        // 1. Inputs.
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n = a.GetLength(0);
        if (n == 0 || a.GetLength(1) != n)
            throw new LqrInputException("A", $"{Solver}: A is {a.GetLength(0)} x {a.GetLength(1)}; expected a non-empty square state matrix.");
        int m = b.GetLength(1);
        if (m == 0) throw new LqrInputException("B", $"{Solver}: B is {b.GetLength(0)} x 0; expected at least one control column.");
        LqrChecks.Shape(Solver, "B", b, n, m, $"n x m, n = {n} from A");
        LqrChecks.Shape(Solver, "Q", q, n, n, $"n x n, n = {n} from A");
        LqrChecks.Shape(Solver, "R", r, m, m, $"m x m, m = {m} from B");
        if (crossWeight is not null) LqrChecks.Shape(Solver, "N", crossWeight, n, m, "n x m, the cross weight of x'N u");

        double[] A = DenseMatrix.Flatten(a), B = DenseMatrix.Flatten(b), Q = DenseMatrix.Flatten(q), R = DenseMatrix.Flatten(r);
        double[] N = crossWeight is null ? new double[n * m] : DenseMatrix.Flatten(crossWeight);
        LqrChecks.Finite(Solver, "A", A, n);
        LqrChecks.Finite(Solver, "B", B, m);
        LqrChecks.Finite(Solver, "Q", Q, n);
        LqrChecks.Finite(Solver, "R", R, m);
        LqrChecks.Finite(Solver, "N", N, m);
        LqrChecks.Symmetric(Solver, "Q", Q, n);
        LqrChecks.Symmetric(Solver, "R", R, m);
        DenseMatrix.Symmetrize(Q, n);
        DenseMatrix.Symmetrize(R, m);
        var scratch = new double[Math.Max(n, m) * Math.Max(n, m)];
        LqrChecks.PositiveDefinite(Solver, "R", R, m, scratch);
        LqrChecks.PositiveSemidefinite(Solver, "Q", Q, n, scratch);

        // 2. Remove the cross term: with F = R^-1 N' (m x n), A~ = A - B F and Q~ = Q - N F.
        var rFactor = (double[])R.Clone();
        Cholesky.Factor(rFactor, m, rFactor);
        var f = new double[m * n];
        DenseMatrix.Transpose(N, n, m, f);
        Cholesky.Solve(rFactor, m, f, n);
        var aTilde = (double[])A.Clone();
        DenseMatrix.Gemm(false, false, n, m, n, -1, B, f, 1, aTilde);
        var qTilde = (double[])Q.Clone();
        DenseMatrix.Gemm(false, false, n, m, n, -1, N, f, 1, qTilde);
        DenseMatrix.Symmetrize(qTilde, n);
        if (crossWeight is not null)
            LqrChecks.PositiveSemidefinite(Solver, "N", qTilde, n, scratch, what: "Q - N R^-1 N' (the Schur complement of the stage weight [[Q, N], [N', R]])");

        // 3. PBH tests on the modes that need stabilizing.
        CheckStabilizable(A, B, n, m, config.RankTolerance);
        CheckDetectable(aTilde, qTilde, n, crossWeight is not null, config.RankTolerance);

        // 4-5. P from doubling, else from Riccati iteration.
        var g = new double[n * n];
        var bt = new double[m * n];
        DenseMatrix.Transpose(B, n, m, bt);
        var rInvBt = (double[])bt.Clone();
        Cholesky.Solve(rFactor, m, rInvBt, n);
        DenseMatrix.Gemm(false, false, n, m, n, 1, B, rInvBt, 0, g);
        DenseMatrix.Symmetrize(g, n);

        var p = new double[n * n];
        DareMethod method = DareMethod.Doubling;
        int iterations = Doubling(aTilde, g, qTilde, n, config, p);
        if (iterations < 0)
        {
            method = DareMethod.RiccatiIteration;
            iterations = RiccatiIteration(aTilde, B, qTilde, R, n, m, config, p);
            if (iterations < 0)
            {
                throw new LqrException(LqrFailure.NoStabilizingSolution,
                    $"{Solver}: found no stabilizing solution: doubling broke down and Riccati iteration did not converge in {config.MaxRiccatiIterations} steps; (A, B) may be nearly not stabilizable or (A, Q) nearly not detectable.");
            }
        }

        // 6. Gain, residual, closed-loop stability. The recursion works with S = (R + B'PB)^-1 (B'PA + N'), and the
        //    solution stores K = -S; negating S at the end leaves P, the residual and the radius bit for bit as they were.
        var k = new double[m * n];
        double residual = GainAndResidual(A, B, Q, R, N, p, n, m, k);
        var closedLoop = (double[])A.Clone();
        DenseMatrix.Gemm(false, false, n, m, n, -1, B, k, 1, closedLoop);
        double radius = Eigenvalues.SpectralRadius(closedLoop, n, new double[n * n + 3 * n]);
        if (!(radius < 1))
        {
            throw new LqrException(LqrFailure.NoStabilizingSolution,
                $"{Solver}: found no stabilizing solution: the closed loop A + B K has spectral radius {radius:G6} >= 1; (A, B) may be nearly not stabilizable or (A, Q) nearly not detectable.");
        }
        for (int i = 0; i < k.Length; i++) k[i] = -k[i];
        return new InfiniteHorizonLqrSolution(DenseMatrix.ToArray(p, n, n), DenseMatrix.ToArray(k, m, n), iterations, residual, radius, method);
    }

    private static void CheckConfig(DareConfig config)
    {
        if (!(config.Tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(config), config.Tolerance, $"{Solver}: expected Tolerance > 0.");
        if (config.MaxDoublingIterations < 1) throw new ArgumentOutOfRangeException(nameof(config), config.MaxDoublingIterations, $"{Solver}: expected MaxDoublingIterations >= 1.");
        if (config.MaxRiccatiIterations < 1) throw new ArgumentOutOfRangeException(nameof(config), config.MaxRiccatiIterations, $"{Solver}: expected MaxRiccatiIterations >= 1.");
        if (!(config.RankTolerance >= 0 && config.RankTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(config), config.RankTolerance, $"{Solver}: expected RankTolerance in [0, 1).");
    }

    private static void CheckStabilizable(double[] a, double[] b, int n, int m, double rankTolerance)
    {
        // [A - lambda I, B] loses rank exactly when its transpose [A' - lambda I; B'] does.
        var at = new double[n * n];
        var bt = new double[m * n];
        DenseMatrix.Transpose(a, n, n, at);
        DenseMatrix.Transpose(b, n, m, bt);
        PbhMode? mode = PbhTest.UnobservableMode(at, bt, n, m, 1 - UnitCircleMargin, rankTolerance);
        if (mode is PbhMode found)
        {
            throw new LqrException(LqrFailure.NotStabilizable,
                $"{Solver}: (A, B) is not stabilizable: the mode {found.Describe()} cannot be moved by the control (PBH: sigma_min / sigma_max of [A - lambda I, B] is {found.RelativeSingularValue:G3}).");
        }
    }

    private static void CheckDetectable(double[] aTilde, double[] qTilde, int n, bool crossTerm, double rankTolerance)
    {
        PbhMode? mode = PbhTest.UnobservableMode(aTilde, qTilde, n, n, 1 - UnitCircleMargin, rankTolerance);
        if (mode is PbhMode found)
        {
            string pair = crossTerm ? "(A - B R^-1 N', Q - N R^-1 N')" : "(A, Q)";
            throw new LqrException(LqrFailure.NotDetectable,
                $"{Solver}: {pair} is not detectable: the mode {found.Describe()} is not seen by the state cost (PBH: sigma_min / sigma_max of [A - lambda I; Q] is {found.RelativeSingularValue:G3}).");
        }
    }

    // SDA; writes P and returns the number of doubling steps, or -1 if it broke down (singular W, non-finite
    // values, no convergence).
    private static int Doubling(double[] a0, double[] g0, double[] h0, int n, DareConfig config, double[] p)
    {
        double[] a = (double[])a0.Clone(), g = (double[])g0.Clone(), h = (double[])h0.Clone();
        double[] w = new double[n * n], rhs = new double[n * 2 * n], xa = new double[n * n], xg = new double[n * n];
        double[] t1 = new double[n * n], next = new double[n * n];
        var pivots = new int[n];
        double previousChange = double.PositiveInfinity;
        for (int iteration = 1; iteration <= config.MaxDoublingIterations; iteration++)
        {
            // W = I + G H; [X_A, X_G] = W^-1 [A, G].
            DenseMatrix.Identity(n, w);
            DenseMatrix.Gemm(false, false, n, n, n, 1, g, h, 1, w);
            if (!DenseMatrix.LuFactor(w, n, pivots)) return -1;
            for (int i = 0; i < n; i++)
            {
                a.AsSpan(i * n, n).CopyTo(rhs.AsSpan(i * 2 * n, n));
                g.AsSpan(i * n, n).CopyTo(rhs.AsSpan(i * 2 * n + n, n));
            }
            DenseMatrix.LuSolve(w, n, pivots, rhs, 2 * n);
            for (int i = 0; i < n; i++)
            {
                rhs.AsSpan(i * 2 * n, n).CopyTo(xa.AsSpan(i * n, n));
                rhs.AsSpan(i * 2 * n + n, n).CopyTo(xg.AsSpan(i * n, n));
            }

            // H+ = H + A' H X_A.
            DenseMatrix.Gemm(false, false, n, n, n, 1, h, xa, 0, t1);
            h.CopyTo(next, 0);
            DenseMatrix.Gemm(true, false, n, n, n, 1, a, t1, 1, next);
            DenseMatrix.Symmetrize(next, n);
            double change = DenseMatrix.FrobeniusDistance(next, h);
            next.CopyTo(h, 0);

            // G+ = G + A X_G A'.
            DenseMatrix.Gemm(false, false, n, n, n, 1, a, xg, 0, t1);
            DenseMatrix.Gemm(false, true, n, n, n, 1, t1, a, 1, g);
            DenseMatrix.Symmetrize(g, n);

            // A+ = A X_A.
            DenseMatrix.Gemm(false, false, n, n, n, 1, a, xa, 0, t1);
            t1.CopyTo(a, 0);

            double norm = DenseMatrix.FrobeniusNorm(h);
            if (!double.IsFinite(norm) || !double.IsFinite(DenseMatrix.MaxAbs(g)) || !double.IsFinite(DenseMatrix.MaxAbs(a))) return -1;
            // Quadratic convergence: a step that no longer shrinks once below sqrt(tolerance) is rounding noise.
            if (change <= config.Tolerance * norm || (change <= Math.Sqrt(config.Tolerance) * norm && change >= previousChange))
            {
                h.CopyTo(p, 0);
                return iteration;
            }
            previousChange = change;
        }
        return -1;
    }

    // P <- Q + A'PA - A'PB (R + B'PB)^-1 B'PA from P = Q; returns the steps taken, or -1 without convergence.
    // Converges linearly (after a transient in which steps may grow), so a stall is judged over a window: once the
    // steps are below sqrt(tolerance), no new smallest step in StallWindow steps means the rounding floor is reached.
    private static int RiccatiIteration(double[] a, double[] b, double[] q, double[] r, int n, int m, DareConfig config, double[] p)
    {
        double[] pa = new double[n * n], pb = new double[n * m], s = new double[m * m], x = new double[m * n], y = new double[m * n];
        double[] next = new double[n * n];
        q.CopyTo(p, 0);
        double smallestChange = double.PositiveInfinity;
        int smallestAt = 0;
        for (int iteration = 1; iteration <= config.MaxRiccatiIterations; iteration++)
        {
            DenseMatrix.Gemm(false, false, n, n, n, 1, p, a, 0, pa);
            DenseMatrix.Gemm(false, false, n, n, m, 1, p, b, 0, pb);
            r.CopyTo(s, 0);
            DenseMatrix.Gemm(true, false, m, n, m, 1, b, pb, 1, s);
            if (!Cholesky.Factor(s, m, s)) return -1;
            DenseMatrix.Gemm(true, false, m, n, n, 1, b, pa, 0, x);
            x.CopyTo(y, 0);
            Cholesky.Solve(s, m, y, n);
            q.CopyTo(next, 0);
            DenseMatrix.Gemm(true, false, n, n, n, 1, a, pa, 1, next);
            DenseMatrix.Gemm(true, false, n, m, n, -1, x, y, 1, next);
            DenseMatrix.Symmetrize(next, n);
            double change = DenseMatrix.FrobeniusDistance(next, p);
            next.CopyTo(p, 0);
            double norm = DenseMatrix.FrobeniusNorm(p);
            if (!double.IsFinite(norm)) return -1;
            if (change <= config.Tolerance * norm) return iteration;
            if (change < smallestChange)
            {
                smallestChange = change;
                smallestAt = iteration;
            }
            else if (iteration - smallestAt >= StallWindow && smallestChange <= Math.Sqrt(config.Tolerance) * norm) return iteration;
        }
        return -1;
    }

    // S = (R + B'PB)^-1 (B'PA + N') into `k`; returns ||A'PA - (A'PB + N) S + Q - P||_F / max(||P||_F, ||Q||_F).
    private static double GainAndResidual(double[] a, double[] b, double[] q, double[] r, double[] nCross, double[] p, int n, int m, double[] k)
    {
        double[] pa = new double[n * n], pb = new double[n * m], s = new double[m * m], residual = new double[n * n];
        DenseMatrix.Gemm(false, false, n, n, n, 1, p, a, 0, pa);
        DenseMatrix.Gemm(false, false, n, n, m, 1, p, b, 0, pb);
        r.CopyTo(s, 0);
        DenseMatrix.Gemm(true, false, m, n, m, 1, b, pb, 1, s);
        if (!Cholesky.Factor(s, m, s))
        {
            throw new LqrException(LqrFailure.NoStabilizingSolution,
                $"{Solver}: R + B'PB is not positive definite at the computed P; the Riccati iterations failed.");
        }
        // B'PA + N' into k, then solve.
        DenseMatrix.Gemm(true, false, m, n, n, 1, b, pa, 0, k);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) k[i * n + j] += nCross[j * m + i];
        }
        var coupling = (double[])k.Clone();
        Cholesky.Solve(s, m, k, n);

        // A'PA + Q - P - (B'PA + N')' S.
        q.CopyTo(residual, 0);
        DenseMatrix.Gemm(true, false, n, n, n, 1, a, pa, 1, residual);
        DenseMatrix.Gemm(true, false, n, m, n, -1, coupling, k, 1, residual);
        for (int i = 0; i < n * n; i++) residual[i] -= p[i];
        double scale = Math.Max(DenseMatrix.FrobeniusNorm(p), DenseMatrix.FrobeniusNorm(q));
        double norm = DenseMatrix.FrobeniusNorm(residual);
        return scale == 0 ? norm : norm / scale;
    }
}
