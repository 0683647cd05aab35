// Finite-horizon LQR by backward DP against the batch least-squares solution of the same quadratic problem
// (states as affine functions of the stacked controls, normal equations solved directly), against the DARE for
// long horizons, and its input errors.
using Control.Core;
using Control.Core.Numerics;
using Control.Planning.Lqr;
using static Control.Core.Tests.Numerics.NaiveMatrix;
using static Control.Planning.Tests.Lqr.LqrTestData;

namespace Control.Planning.Tests.Lqr;

public class LqrFiniteHorizonTests
{
    [Theory]
    [InlineData(3, 2, 6, 11)]
    [InlineData(4, 1, 8, 12)]
    [InlineData(2, 3, 5, 13)]
    public void BackwardDpEqualsBatchLeastSquares(int n, int m, int horizon, int seed)
    {
        var rng = new Rng(seed);
        LqrProblem problem = RandomProblem(rng, n, m, horizon);
        double[] x0 = Enumerable.Range(0, n).Select(_ => rng.Normal()).ToArray();

        LqrSolution solution = new FiniteHorizonLqr(n, m, horizon).Solve(problem);
        double[] dpControls = RollOut(problem, solution, x0);
        (double[] batchControls, double batchCost) = BatchSolve(problem, x0);

        double scale = Math.Max(1, batchControls.Max(Math.Abs));
        for (int i = 0; i < batchControls.Length; i++) Assert.True(Math.Abs(dpControls[i] - batchControls[i]) <= 1e-8 * scale,
            $"u[{i}]: DP {dpControls[i]} vs batch {batchControls[i]}");
        Assert.True(Math.Abs(solution.Value(0, x0) - batchCost) <= 1e-8 * Math.Max(1, Math.Abs(batchCost)),
            $"V_0(x0) = {solution.Value(0, x0)} vs batch optimum {batchCost}");
        Assert.True(Math.Abs(TotalCost(problem, x0, dpControls) - batchCost) <= 1e-8 * Math.Max(1, Math.Abs(batchCost)));
    }

    [Fact]
    public void LongHorizonFirstGainIsTheInfiniteHorizonGain()
    {
        var rng = new Rng(5);
        foreach (bool cross in new[] { false, true })
        {
            DareCase c = RandomDare(rng, 4, 2, cross);
            InfiniteHorizonLqrSolution infinite = InfiniteHorizonLqr.Solve(c.A, c.B, c.Q, c.R, c.N);
            // Same problem in the 1/2-scaled form: 1/2 x'Qx + 1/2 u'Ru + u'(N')x has the same minimizer and P.
            LqrSolution finite = FiniteHorizonLqr.Solve(c.A, c.B, c.Q, c.R, c.Q, horizon: 400, crossWeight: c.N is null ? null : Transpose(c.N));
            double[,] k0 = DenseMatrix.ToArray(finite.K(0), 2, 4);
            double[,] p0 = DenseMatrix.ToArray(finite.P(0), 4, 4);
            Assert.True(RelativeError(k0, infinite.K) <= 1e-8, $"cross={cross}: K_0 and the DARE's K differ by {RelativeError(k0, infinite.K)}");
            Assert.True(RelativeError(p0, infinite.P) <= 1e-8);
            Assert.All(finite.Feedforward(0).ToArray(), k => Assert.Equal(0, k, 1e-12));
        }
    }

    [Fact]
    public void BadInputsAreTypedErrorsNamingTheStep()
    {
        double[,] a = { { 1, 0.1 }, { 0, 1 } }, b = { { 0 }, { 0.1 } }, q = Identity(2), r = Identity(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => FiniteHorizonLqr.Solve(a, b, q, r, q, horizon: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LqrProblem(2, 1, -3));

        var nonSymmetric = Assert.Throws<LqrInputException>(() => FiniteHorizonLqr.Solve(a, b, new double[,] { { 1, 2 }, { 0, 1 } }, r, q, 5));
        Assert.Equal("Q_0", nonSymmetric.Matrix);
        Assert.Contains("Q_0 is not symmetric", nonSymmetric.Message);

        var indefiniteR = Assert.Throws<LqrInputException>(() => FiniteHorizonLqr.Solve(a, b, q, new double[,] { { -1 } }, q, 5));
        Assert.Equal("R_0", indefiniteR.Matrix);
        Assert.Contains("not positive definite (smallest eigenvalue -1)", indefiniteR.Message);

        var indefiniteQf = Assert.Throws<LqrInputException>(() => FiniteHorizonLqr.Solve(a, b, q, r, Diagonal(-2, 1), 5));
        Assert.Equal("Qf", indefiniteQf.Matrix);

        var mismatch = Assert.Throws<LqrInputException>(() => FiniteHorizonLqr.Solve(a, b, q, r, Identity(3), 5));
        Assert.Contains("Qf is 3 x 3; expected 2 x 2", mismatch.Message);
        var crossShape = Assert.Throws<LqrInputException>(() => FiniteHorizonLqr.Solve(a, b, q, r, q, 5, crossWeight: new double[2, 1]));
        Assert.Equal("N", crossShape.Matrix);

        var problem = LqrProblem.TimeInvariant(a, b, q, r, q, 4);
        problem.Drift(2)[1] = double.NaN;
        var nan = Assert.Throws<LqrInputException>(() => new FiniteHorizonLqr(2, 1, 4).Solve(problem));
        Assert.Equal("c_2", nan.Matrix);
        Assert.Contains("is NaN", nan.Message);

        problem.Drift(2)[1] = 0;
        problem.Q(3)[0] = -1;
        var indefiniteQ = Assert.Throws<LqrInputException>(() => new FiniteHorizonLqr(2, 1, 4).Solve(problem));
        Assert.Equal("Q_3", indefiniteQ.Matrix);

        Assert.Throws<ArgumentException>(() => new FiniteHorizonLqr(2, 1, 5).Solve(LqrProblem.TimeInvariant(a, b, q, r, q, 4)));
    }

    [Fact]
    public void SolveAllocatesNothing()
    {
        var rng = new Rng(3);
        LqrProblem problem = RandomProblem(rng, 4, 2, 20);
        var solver = new FiniteHorizonLqr(4, 2, 20);
        solver.Solve(problem);
        long before = GC.GetAllocatedBytesForCurrentThread();
        solver.Solve(problem);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    // A random problem whose stage weights [[Q_t, N_t'], [N_t, R_t]] are jointly positive semidefinite.
    private static LqrProblem RandomProblem(Rng rng, int n, int m, int horizon)
    {
        var problem = new LqrProblem(n, m, horizon);
        for (int t = 0; t < horizon; t++)
        {
            DenseMatrix.Flatten(Normal(rng, n, n, 1 / Math.Sqrt(n))).CopyTo(problem.A(t));
            DenseMatrix.Flatten(Normal(rng, n, m)).CopyTo(problem.B(t));
            rng.FillNormal(problem.Drift(t));
            double[,] g = Normal(rng, n + m, n + m, 0.7);
            double[,] w = Multiply(g, Transpose(g));
            for (int i = 0; i < n + m; i++)
            {
                for (int j = 0; j < n + m; j++)
                {
                    if (i < n && j < n) problem.Q(t)[i * n + j] = w[i, j];
                    else if (i >= n && j >= n) problem.R(t)[(i - n) * m + j - n] = w[i, j] + (i == j ? 0.2 : 0);
                    else if (i >= n) problem.N(t)[(i - n) * n + j] = w[i, j];
                }
            }
            rng.FillNormal(problem.StateLinear(t));
            rng.FillNormal(problem.ControlLinear(t));
        }
        double[,] c = Normal(rng, n, n);
        DenseMatrix.Flatten(Multiply(Transpose(c), c)).CopyTo(problem.FinalQ);
        rng.FillNormal(problem.FinalLinear);
        return problem;
    }

    private static double[] RollOut(LqrProblem problem, LqrSolution solution, double[] x0)
    {
        int n = problem.StateSize, m = problem.ControlSize;
        var controls = new double[problem.Horizon * m];
        double[] x = (double[])x0.Clone();
        for (int t = 0; t < problem.Horizon; t++)
        {
            Span<double> u = controls.AsSpan(t * m, m);
            solution.Control(t, x, u);
            x = Next(problem, t, x, u.ToArray());
        }
        return controls;
    }

    private static double[] Next(LqrProblem problem, int t, double[] x, double[] u)
    {
        int n = problem.StateSize, m = problem.ControlSize;
        var next = problem.Drift(t).ToArray();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) next[i] += problem.A(t)[i * n + j] * x[j];
            for (int j = 0; j < m; j++) next[i] += problem.B(t)[i * m + j] * u[j];
        }
        return next;
    }

    // The cost of a control sequence by simulation.
    private static double TotalCost(LqrProblem problem, double[] x0, double[] controls)
    {
        int n = problem.StateSize, m = problem.ControlSize;
        double[] x = (double[])x0.Clone();
        double cost = 0;
        for (int t = 0; t < problem.Horizon; t++)
        {
            double[] u = controls.AsSpan(t * m, m).ToArray();
            cost += 0.5 * QuadraticForm(problem.Q(t).ToArray(), x, x) + 0.5 * QuadraticForm(problem.R(t).ToArray(), u, u)
                + QuadraticForm(problem.N(t).ToArray(), u, x) + Dot(problem.StateLinear(t).ToArray(), x) + Dot(problem.ControlLinear(t).ToArray(), u);
            x = Next(problem, t, x, u);
        }
        return cost + 0.5 * QuadraticForm(problem.FinalQ.ToArray(), x, x) + Dot(problem.FinalLinear.ToArray(), x);
    }

    // Stack U = (u_0..u_{H-1}); x_t = f_t + G_t U. J(U) = 1/2 U'HU + g'U + const; U* = -H^-1 g.
    private static (double[] Controls, double Cost) BatchSolve(LqrProblem problem, double[] x0)
    {
        int n = problem.StateSize, m = problem.ControlSize, horizon = problem.Horizon, size = horizon * m;
        var hessian = new double[size, size];
        var gradient = new double[size];
        double[] f = (double[])x0.Clone();
        var g = new double[n, size];
        for (int t = 0; t <= horizon; t++)
        {
            double[,] q = t < horizon ? DenseMatrix.ToArray(problem.Q(t), n, n) : DenseMatrix.ToArray(problem.FinalQ, n, n);
            double[] qLinear = t < horizon ? problem.StateLinear(t).ToArray() : problem.FinalLinear.ToArray();
            // State terms: 1/2 (f + G U)'Q(f + G U) + q'(f + G U).
            double[,] gtq = Multiply(Transpose(g), q);
            Accumulate(hessian, Multiply(gtq, g), 0, 0);
            double[] qf = Apply(q, f);
            for (int i = 0; i < size; i++)
            {
                for (int j = 0; j < n; j++) gradient[i] += g[j, i] * (qf[j] + qLinear[j]);
            }
            if (t == horizon) break;

            // Control and cross terms on the block of u_t: 1/2 u'Ru + u'N(f + G U) + r'u.
            double[,] r = DenseMatrix.ToArray(problem.R(t), m, m), nCross = DenseMatrix.ToArray(problem.N(t), m, n);
            Accumulate(hessian, r, t * m, t * m);
            double[,] ng = Multiply(nCross, g);
            Accumulate(hessian, ng, t * m, 0);
            Accumulate(hessian, Transpose(ng), 0, t * m);
            double[] nf = Apply(nCross, f);
            for (int i = 0; i < m; i++) gradient[t * m + i] += nf[i] + problem.ControlLinear(t)[i];

            // x_{t+1} = A f + c + (A G + B E_t) U.
            double[,] a = DenseMatrix.ToArray(problem.A(t), n, n), b = DenseMatrix.ToArray(problem.B(t), n, m);
            double[] nextF = Apply(a, f);
            for (int i = 0; i < n; i++) nextF[i] += problem.Drift(t)[i];
            double[,] nextG = Multiply(a, g);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < m; j++) nextG[i, t * m + j] += b[i, j];
            }
            f = nextF;
            g = nextG;
        }
        double[] controls = Solve(hessian, gradient.Select(v => -v).ToArray());
        return (controls, TotalCost(problem, x0, controls));
    }

    private static void Accumulate(double[,] target, double[,] block, int row, int col)
    {
        for (int i = 0; i < block.GetLength(0); i++)
        {
            for (int j = 0; j < block.GetLength(1); j++) target[row + i, col + j] += block[i, j];
        }
    }

    private static double[] Apply(double[,] matrix, double[] v)
    {
        var result = new double[matrix.GetLength(0)];
        for (int i = 0; i < result.Length; i++)
        {
            for (int j = 0; j < v.Length; j++) result[i] += matrix[i, j] * v[j];
        }
        return result;
    }

    private static double QuadraticForm(double[] matrix, double[] left, double[] right)
    {
        double sum = 0;
        for (int i = 0; i < left.Length; i++)
        {
            for (int j = 0; j < right.Length; j++) sum += left[i] * matrix[i * right.Length + j] * right[j];
        }
        return sum;
    }

    private static double Dot(double[] x, double[] y) => x.Zip(y, (a, b) => a * b).Sum();
}
