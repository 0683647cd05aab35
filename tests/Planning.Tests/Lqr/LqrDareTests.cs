// Infinite-horizon LQR: the DARE solution against SciPy's solve_discrete_are on random systems, the fallback
// path, and the typed errors for malformed or unsolvable problems.
using Control.Core;
using Control.Planning.Lqr;
using static Control.Core.Tests.Numerics.NaiveMatrix;
using static Control.Planning.Tests.Lqr.LqrTestData;

namespace Control.Planning.Tests.Lqr;

public class LqrDareTests
{
    private static readonly (int N, int M)[] Sizes = [(1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (4, 2), (5, 3), (6, 1), (6, 3), (7, 2), (8, 2), (8, 3)];

    [Fact]
    public void MatchesScipyOnRandomStabilizableSystems()
    {
        var rng = new Rng(2024);
        DareCase[] cases = Sizes.Select((s, i) => RandomDare(rng, s.N, s.M, cross: i % 3 == 2)).ToArray();
        var reference = Scipy(cases);
        for (int i = 0; i < cases.Length; i++)
        {
            DareCase c = cases[i];
            InfiniteHorizonLqrSolution solution = InfiniteHorizonLqr.Solve(c.A, c.B, c.Q, c.R, c.N);
            Assert.Equal(DareMethod.Doubling, solution.Method);
            Assert.True(solution.Residual <= 1e-9, $"case {i} (n={Sizes[i].N}, m={Sizes[i].M}): residual {solution.Residual}");
            Assert.True(RelativeError(solution.P, reference[i].P) <= 1e-8, $"case {i}: P differs from SciPy by {RelativeError(solution.P, reference[i].P)}");
            // SciPy's gain is for u = -K x; ours is added (u = K x), so it is SciPy's negated.
            double[,] expectedGain = Scale(reference[i].K, -1);
            Assert.True(RelativeError(solution.K, expectedGain) <= 1e-8, $"case {i}: K differs from -K of SciPy by {RelativeError(solution.K, expectedGain)}");
            Assert.Equal(reference[i].Radius, solution.SpectralRadius, 1e-8);
            Assert.True(solution.SpectralRadius < 1);
        }
    }

    [Fact]
    public void RiccatiIterationFallbackAgreesWithScipy()
    {
        var rng = new Rng(7);
        DareCase[] cases = [RandomDare(rng, 3, 1, cross: false), RandomDare(rng, 4, 2, cross: true)];
        var reference = Scipy(cases);
        var config = new DareConfig { MaxDoublingIterations = 1 };
        for (int i = 0; i < cases.Length; i++)
        {
            InfiniteHorizonLqrSolution solution = InfiniteHorizonLqr.Solve(cases[i].A, cases[i].B, cases[i].Q, cases[i].R, cases[i].N, config);
            Assert.Equal(DareMethod.RiccatiIteration, solution.Method);
            Assert.True(solution.Residual <= 1e-9, $"residual {solution.Residual}");
            Assert.True(RelativeError(solution.P, reference[i].P) <= 1e-8);
        }
    }

    [Fact]
    public void PureIntegratorMatchesTheClosedForm()
    {
        // x' = x + u, cost x^2 + u^2: P solves P = 1 + P - P^2 / (1 + P), P^2 = 1 + P, P = (1 + sqrt 5) / 2.
        InfiniteHorizonLqrSolution solution = InfiniteHorizonLqr.Solve(Identity(1), Identity(1), Identity(1), Identity(1));
        double p = (1 + Math.Sqrt(5)) / 2;
        Assert.Equal(p, solution.P[0, 0], 1e-13);
        Assert.Equal(-p / (1 + p), solution.K[0, 0], 1e-13);
        Assert.Equal(1 - p / (1 + p), solution.SpectralRadius, 1e-13);
    }

    [Fact]
    public void ModesUnseenByTheStateCostAreNamed()
    {
        double[,] b = Identity(2), q = Diagonal(0, 1), r = Identity(2);
        var unstable = Assert.Throws<LqrException>(() => InfiniteHorizonLqr.Solve(Diagonal(1.5, 0.5), b, q, r));
        Assert.Equal(LqrFailure.NotDetectable, unstable.Failure);
        Assert.Contains("(A, Q) is not detectable", unstable.Message);
        Assert.Contains("lambda = 1.5", unstable.Message);

        // An unpenalized integrator: a mode on the unit circle.
        var integrator = Assert.Throws<LqrException>(() => InfiniteHorizonLqr.Solve(Diagonal(1, 0.5), b, q, r));
        Assert.Equal(LqrFailure.NotDetectable, integrator.Failure);
        Assert.Contains("lambda = 1 ", integrator.Message);

        // With a cross term the test is on the transformed pair, and the message says so.
        var cross = Assert.Throws<LqrException>(() => InfiniteHorizonLqr.Solve(Diagonal(1.5, 0.5), b, q, r, Diagonal(0, 0.5)));
        Assert.Contains("(A - B R^-1 N', Q - N R^-1 N') is not detectable", cross.Message);

        // An unseen but stable mode is fine.
        InfiniteHorizonLqrSolution stable = InfiniteHorizonLqr.Solve(Diagonal(0.5, 1.5), b, q, r);
        Assert.True(stable.SpectralRadius < 1);
    }

    [Fact]
    public void UncontrollableUnstableModesAreNamed()
    {
        var real = Assert.Throws<LqrException>(() =>
            InfiniteHorizonLqr.Solve(Diagonal(1.2, 0.5), new double[,] { { 0 }, { 1 } }, Identity(2), Identity(1)));
        Assert.Equal(LqrFailure.NotStabilizable, real.Failure);
        Assert.Contains("(A, B) is not stabilizable", real.Message);
        Assert.Contains("lambda = 1.2", real.Message);

        // A rotation by 0.7 rad scaled by 1.1 that the input cannot reach: a complex pair outside the unit circle.
        double c = 1.1 * Math.Cos(0.7), s = 1.1 * Math.Sin(0.7);
        double[,] a = { { c, -s, 0 }, { s, c, 0 }, { 0.3, 0.2, 0.5 } };
        var complex = Assert.Throws<LqrException>(() =>
            InfiniteHorizonLqr.Solve(a, new double[,] { { 0 }, { 0 }, { 1 } }, Identity(3), Identity(1)));
        Assert.Equal(LqrFailure.NotStabilizable, complex.Failure);
        Assert.Contains("i (|lambda| = 1.1)", complex.Message);

        // An uncontrollable but stable mode is fine.
        InfiniteHorizonLqrSolution stable = InfiniteHorizonLqr.Solve(Diagonal(1.2, 0.5), new double[,] { { 1 }, { 0 } }, Identity(2), Identity(1));
        Assert.True(stable.SpectralRadius < 1);
    }

    [Fact]
    public void MalformedInputsNameTheMatrixAndTheProblem()
    {
        double[,] a = { { 1, 0.1 }, { 0, 1 } }, b = { { 0 }, { 0.1 } }, q = Identity(2), r = Identity(1);

        var nonSymmetric = Assert.Throws<LqrInputException>(() => InfiniteHorizonLqr.Solve(a, b, new double[,] { { 1, 1 }, { 0, 1 } }, r));
        Assert.Equal("Q", nonSymmetric.Matrix);
        Assert.Contains("Q is not symmetric", nonSymmetric.Message);

        var indefiniteQ = Assert.Throws<LqrInputException>(() => InfiniteHorizonLqr.Solve(a, b, Diagonal(1, -0.5), r));
        Assert.Equal("Q", indefiniteQ.Matrix);
        Assert.Contains("not positive semidefinite (smallest eigenvalue -0.5)", indefiniteQ.Message);

        var indefiniteR = Assert.Throws<LqrInputException>(() => InfiniteHorizonLqr.Solve(a, b, q, new double[,] { { 0 } }));
        Assert.Equal("R", indefiniteR.Matrix);
        Assert.Contains("R is not positive definite", indefiniteR.Message);

        var wrongB = Assert.Throws<LqrInputException>(() => InfiniteHorizonLqr.Solve(a, new double[,] { { 0 }, { 0.1 }, { 1 } }, q, r));
        Assert.Equal("B", wrongB.Matrix);
        Assert.Contains("B is 3 x 1; expected 2 x 1", wrongB.Message);

        var notSquare = Assert.Throws<LqrInputException>(() => InfiniteHorizonLqr.Solve(new double[2, 3], b, q, r));
        Assert.Equal("A", notSquare.Matrix);

        var wrongR = Assert.Throws<LqrInputException>(() => InfiniteHorizonLqr.Solve(a, b, q, Identity(2)));
        Assert.Contains("R is 2 x 2; expected 1 x 1", wrongR.Message);

        var nan = Assert.Throws<LqrInputException>(() => InfiniteHorizonLqr.Solve(new double[,] { { 1, double.NaN }, { 0, 1 } }, b, q, r));
        Assert.Equal("A", nan.Matrix);
        Assert.Contains("A[0, 1] is NaN", nan.Message);

        var infinite = Assert.Throws<LqrInputException>(() => InfiniteHorizonLqr.Solve(a, b, q, new double[,] { { double.PositiveInfinity } }));
        Assert.Equal("R", infinite.Matrix);

        // A cross term too large for the control weight makes the stage cost non-convex.
        var nonConvex = Assert.Throws<LqrInputException>(() => InfiniteHorizonLqr.Solve(a, b, q, r, new double[,] { { 2 }, { 0 } }));
        Assert.Equal("N", nonConvex.Matrix);
        Assert.Contains("Q - N R^-1 N'", nonConvex.Message);
    }
}
