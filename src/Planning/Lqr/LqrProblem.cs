// The data of a finite-horizon, time-varying, affine linear-quadratic problem, and of its solution. The problem:
//     x_{t+1} = A_t x_t + B_t u_t + c_t,                                     t = 0..H-1
//     J = sum_t [ 1/2 x_t'Q_t x_t + 1/2 u_t'R_t u_t + u_t'N_t x_t + q_t'x_t + r_t'u_t ] + 1/2 x_H'Q_f x_H + q_f'x_H.
// The solution: the affine policy u_t = K_t x_t + k_t and the quadratic cost-to-go
//     V_t(x) = 1/2 x'P_t x + p_t'x + s_t   (t = 0..H; V_H is the terminal cost).
// Both own flat row-major buffers that are filled in place and reused, so a planner solves allocation-free.
using Control.Core.Numerics;

namespace Control.Planning.Lqr;

/// <summary>
/// A time-varying affine LQ problem over <see cref="Horizon"/> steps, all buffers zero at construction. Matrices
/// are row-major spans: A_t n x n, B_t n x m, Q_t n x n, R_t m x m, N_t m x n (the cross term u'N_t x).
/// </summary>
public sealed class LqrProblem
{
    private readonly double[] a, b, drift, q, r, cross, stateLinear, controlLinear, finalQ, finalLinear;

    /// <summary>A zero problem with n states, m controls and H steps.</summary>
    public LqrProblem(int stateSize, int controlSize, int horizon)
    {
        if (stateSize < 1) throw new ArgumentOutOfRangeException(nameof(stateSize), stateSize, "LqrProblem: expected at least one state.");
        if (controlSize < 1) throw new ArgumentOutOfRangeException(nameof(controlSize), controlSize, "LqrProblem: expected at least one control.");
        PlannerChecks.Horizon("LqrProblem", horizon);
        StateSize = stateSize;
        ControlSize = controlSize;
        Horizon = horizon;
        int n = stateSize, m = controlSize;
        a = new double[horizon * n * n];
        b = new double[horizon * n * m];
        drift = new double[horizon * n];
        q = new double[horizon * n * n];
        r = new double[horizon * m * m];
        cross = new double[horizon * m * n];
        stateLinear = new double[horizon * n];
        controlLinear = new double[horizon * m];
        finalQ = new double[n * n];
        finalLinear = new double[n];
    }

    /// <summary>n.</summary>
    public int StateSize { get; }

    /// <summary>m.</summary>
    public int ControlSize { get; }

    /// <summary>H: number of controls.</summary>
    public int Horizon { get; }

    /// <summary>A_t (n x n).</summary>
    public Span<double> A(int t) => Step(a, t, StateSize * StateSize);

    /// <summary>B_t (n x m).</summary>
    public Span<double> B(int t) => Step(b, t, StateSize * ControlSize);

    /// <summary>c_t (n): the affine term of the dynamics.</summary>
    public Span<double> Drift(int t) => Step(drift, t, StateSize);

    /// <summary>Q_t (n x n), symmetric positive semidefinite.</summary>
    public Span<double> Q(int t) => Step(q, t, StateSize * StateSize);

    /// <summary>R_t (m x m), symmetric positive definite.</summary>
    public Span<double> R(int t) => Step(r, t, ControlSize * ControlSize);

    /// <summary>N_t (m x n): the cross term u'N_t x.</summary>
    public Span<double> N(int t) => Step(cross, t, ControlSize * StateSize);

    /// <summary>q_t (n): the linear state cost.</summary>
    public Span<double> StateLinear(int t) => Step(stateLinear, t, StateSize);

    /// <summary>r_t (m): the linear control cost.</summary>
    public Span<double> ControlLinear(int t) => Step(controlLinear, t, ControlSize);

    /// <summary>Q_f (n x n): the terminal weight, symmetric positive semidefinite.</summary>
    public Span<double> FinalQ => finalQ;

    /// <summary>q_f (n): the linear terminal cost.</summary>
    public Span<double> FinalLinear => finalLinear;

    /// <summary>
    /// The time-invariant problem x' = A x + B u over <paramref name="horizon"/> steps with stage cost
    /// 1/2 x'Qx + 1/2 u'Ru + u'N x (N = <paramref name="crossWeight"/>: m x n, optional) and terminal cost 1/2 x'Q_f x.
    /// </summary>
    public static LqrProblem TimeInvariant(double[,] a, double[,] b, double[,] q, double[,] r, double[,] finalQ, int horizon, double[,]? crossWeight = null)
    {
        const string solver = "LqrProblem.TimeInvariant";
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int states = a.GetLength(0), controls = b.GetLength(1);
        if (states == 0 || a.GetLength(1) != states)
            throw new LqrInputException("A", $"{solver}: A is {a.GetLength(0)} x {a.GetLength(1)}; expected a non-empty square state matrix.");
        if (controls == 0) throw new LqrInputException("B", $"{solver}: B is {b.GetLength(0)} x 0; expected at least one control column.");
        LqrChecks.Shape(solver, "B", b, states, controls, $"n x m, n = {states} from A");
        LqrChecks.Shape(solver, "Q", q, states, states, $"n x n, n = {states} from A");
        LqrChecks.Shape(solver, "R", r, controls, controls, $"m x m, m = {controls} from B");
        LqrChecks.Shape(solver, "Qf", finalQ, states, states, $"n x n, n = {states} from A");
        if (crossWeight is not null) LqrChecks.Shape(solver, "N", crossWeight, controls, states, "m x n, the cross weight of u'N x");
        PlannerChecks.Horizon(solver, horizon);

        var problem = new LqrProblem(states, controls, horizon);
        double[] aFlat = DenseMatrix.Flatten(a), bFlat = DenseMatrix.Flatten(b), qFlat = DenseMatrix.Flatten(q), rFlat = DenseMatrix.Flatten(r);
        double[]? nFlat = crossWeight is null ? null : DenseMatrix.Flatten(crossWeight);
        for (int t = 0; t < horizon; t++)
        {
            aFlat.CopyTo(problem.A(t));
            bFlat.CopyTo(problem.B(t));
            qFlat.CopyTo(problem.Q(t));
            rFlat.CopyTo(problem.R(t));
            nFlat?.CopyTo(problem.N(t));
        }
        DenseMatrix.Flatten(finalQ).CopyTo(problem.FinalQ);
        return problem;
    }

    /// <summary>
    /// Throws <see cref="LqrInputException"/> unless every entry is finite, Q_t, R_t, Q_f are symmetric, Q_t and Q_f
    /// positive semidefinite and R_t positive definite. <paramref name="scratch"/> needs max(n, m)^2 entries; allocates nothing when valid.
    /// </summary>
    public void Validate(Span<double> scratch)
    {
        const string solver = "FiniteHorizonLqr";
        int n = StateSize, m = ControlSize;
        for (int t = 0; t < Horizon; t++)
        {
            LqrChecks.Finite(solver, "A", A(t), n, t);
            LqrChecks.Finite(solver, "B", B(t), m, t);
            LqrChecks.Finite(solver, "c", Drift(t), n, t);
            LqrChecks.Finite(solver, "Q", Q(t), n, t);
            LqrChecks.Finite(solver, "R", R(t), m, t);
            LqrChecks.Finite(solver, "N", N(t), n, t);
            LqrChecks.Finite(solver, "q", StateLinear(t), n, t);
            LqrChecks.Finite(solver, "r", ControlLinear(t), m, t);
            LqrChecks.Symmetric(solver, "Q", Q(t), n, t);
            LqrChecks.Symmetric(solver, "R", R(t), m, t);
            LqrChecks.PositiveSemidefinite(solver, "Q", Q(t), n, scratch, t);
            LqrChecks.PositiveDefinite(solver, "R", R(t), m, scratch, t);
        }
        LqrChecks.Finite(solver, "Qf", FinalQ, n);
        LqrChecks.Finite(solver, "qf", FinalLinear, n);
        LqrChecks.Symmetric(solver, "Qf", FinalQ, n);
        LqrChecks.PositiveSemidefinite(solver, "Qf", FinalQ, n, scratch);
    }

    private Span<double> Step(double[] buffer, int t, int size)
    {
        if ((uint)t >= (uint)Horizon) throw new ArgumentOutOfRangeException(nameof(t), t, $"LqrProblem: expected a step in [0, {Horizon - 1}].");
        return buffer.AsSpan(t * size, size);
    }
}
