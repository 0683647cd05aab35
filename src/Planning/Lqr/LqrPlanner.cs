// LQR as a receding-horizon planner (`control plan --planner lqr`). Each Plan(x0) makes one local LQ model and
// solves it exactly:
//   1. model derivatives: linearize f once at (x0, u0), u0 the first control of the warm start, giving the affine
//      model x' = A x + B u + c with c = f(x0, u0) - A x0 - B u0, used at every step of the horizon;
//   2. cost derivatives: quadratize the stage cost at (x0, u0) and the terminal cost at x0 (a ridge mu I is added
//      to Luu, as a proximal term around u0, when Luu is not positive definite);
//   3. backward pass: finite-horizon affine LQR (FiniteHorizonLqr); if a step's Quu is not positive definite (an
//      indefinite Lxx), the ridge grows tenfold and the pass is redone;
//   4. rollout: u_t = clip(K_t x_t + k_t) on the true model, which fills the trajectory (states, controls, gains
//      K_t) and its true cost.
// On a linear model with a quadratic cost this is exactly finite-horizon LQR; on a nonlinear one it is LQR about
// the current state, re-linearized at every replan by MPC.
using Control.Core.Models;
using Control.Core.Numerics;

namespace Control.Planning.Lqr;

/// <summary>
/// Receding-horizon LQR about the current state; allocation-free per <see cref="Plan"/>. One per controller. Gains
/// follow the convention of <see cref="Trajectory"/>.
/// </summary>
public sealed class LqrPlanner : IPlanner
{
    private const string Name = "LqrPlanner";
    private readonly LqrPlannerConfig config;
    private readonly DynamicsWorkspace workspace;
    private readonly LqrProblem problem;
    private readonly FiniteHorizonLqr solver;
    private readonly CostDerivatives stage, terminal;
    private readonly double[] a, b, drift, u0, q, r, luuFactor;
    private readonly PsdProjection psd;

    /// <summary>A planner on <paramref name="dynamics"/> and <paramref name="cost"/>; <paramref name="config"/> defaults to <see cref="LqrPlannerConfig"/>'s.</summary>
    public LqrPlanner(IDynamics dynamics, ICost cost, LqrPlannerConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(cost);
        this.config = config ?? new LqrPlannerConfig();
        PlannerChecks.Model(Name, dynamics, cost);
        ModelChecks.Euclidean(Name, dynamics, dynamics.StateSpace,
            "LqrPlanner solves in absolute coordinates (u = K x + k); a manifold needs deviation coordinates about a nominal: use iLQR or TrackingLqr.");
        PlannerChecks.Horizon(Name, this.config.Horizon);
        if (!(this.config.Ridge > 0 && double.IsFinite(this.config.Ridge)))
            throw new ArgumentOutOfRangeException(nameof(config), this.config.Ridge, $"{Name}: expected a finite Ridge > 0.");
        if (this.config.MaxRidgeIncreases < 0)
            throw new ArgumentOutOfRangeException(nameof(config), this.config.MaxRidgeIncreases, $"{Name}: expected MaxRidgeIncreases >= 0.");

        Dynamics = dynamics;
        Cost = cost;
        int n = dynamics.StateSize, m = dynamics.ControlSize;
        workspace = dynamics.CreateWorkspace();
        problem = new LqrProblem(n, m, this.config.Horizon);
        solver = new FiniteHorizonLqr(n, m, this.config.Horizon);
        stage = new CostDerivatives(n, m);
        terminal = new CostDerivatives(n, m);
        a = new double[n * n];
        b = new double[n * m];
        drift = new double[n];
        u0 = new double[m];
        q = new double[n];
        r = new double[m];
        luuFactor = new double[m * m];
        psd = new PsdProjection(n);
        Current = new Trajectory(this.config.Horizon, n, m, withGains: true);
    }

    /// <inheritdoc />
    public IDynamics Dynamics { get; }

    /// <inheritdoc />
    public ICost Cost { get; }

    /// <inheritdoc />
    public int Horizon => config.Horizon;

    /// <inheritdoc />
    public Trajectory Current { get; }

    /// <summary>The LQR solution of the last plan (u_t = K_t x_t + k_t before clipping).</summary>
    public LqrSolution Solution => solver.Solution;

    /// <summary>The ridge added to Luu in the last plan (0 when none was needed).</summary>
    public double LastRidge { get; private set; }

    /// <inheritdoc />
    public PlanResult Plan(ReadOnlySpan<double> x0)
    {
        PlannerChecks.InitialState(Name, Dynamics.StateSize, x0);
        int n = Dynamics.StateSize, m = Dynamics.ControlSize;

        // 1. Model derivatives at (x0, u0): x' = A x + B u + c.
        Current.Control(0).CopyTo(u0);
        Dynamics.ControlBounds.Clip(u0);
        Dynamics.Linearize(workspace, x0, u0, drift, a, b);
        DenseMatrix.Gemv(false, n, n, -1, a, x0, 1, drift);
        DenseMatrix.Gemv(false, n, m, -1, b, u0, 1, drift);
        LqrChecks.Finite(Name, "A (the model's Jacobian df/dx at x0, u0)", a, n);
        LqrChecks.Finite(Name, "B (the model's Jacobian df/du at x0, u0)", b, m);
        LqrChecks.Finite(Name, "c (the model's offset at x0, u0)", drift, n);

        // 2. Cost derivatives at (x0, u0) and x0, expanded into the absolute-coordinate terms
        //    q = Lx - Lxx x0 - Lux' u0, r = Lu - Luu u0 - Lux x0, q_f = Lfx - Lfxx x0.
        Cost.StageDerivatives(x0, u0, stage);
        Cost.TerminalDerivatives(x0, terminal);
        CheckDerivatives(stage, terminal, n, m);
        DenseMatrix.Symmetrize(stage.Lxx, n);
        DenseMatrix.Symmetrize(stage.Luu, m);
        DenseMatrix.Symmetrize(terminal.Lxx, n);
        Convexify(stage.Lxx);
        Convexify(terminal.Lxx);
        stage.Lx.CopyTo(q, 0);
        DenseMatrix.Gemv(false, n, n, -1, stage.Lxx, x0, 1, q);
        DenseMatrix.Gemv(true, n, m, -1, stage.Lux, u0, 1, q);
        terminal.Lx.CopyTo(problem.FinalLinear);
        DenseMatrix.Gemv(false, n, n, -1, terminal.Lxx, x0, 1, problem.FinalLinear);
        terminal.Lxx.CopyTo(problem.FinalQ);

        // 3. Backward pass, with a growing ridge on Luu while it or a step's Quu is not positive definite.
        double scale = Math.Max(1, DenseMatrix.MaxAbs(stage.Luu));
        double ridge = 0;
        for (int attempt = 0; ; attempt++)
        {
            bool luuDefinite = ridge > 0 || IsPositiveDefinite(stage.Luu, m);
            if (luuDefinite)
            {
                FillProblem(x0, ridge);
                if (solver.Backward(problem) < 0) break;
            }
            if (attempt > config.MaxRidgeIncreases)
            {
                throw new LqrException(LqrFailure.ControlHessianNotPositiveDefinite,
                    $"{Name}: the quadratized cost stays non-convex in u (R + B'PB not positive definite) even with a ridge of {ridge:G3} on Luu; the cost's Lxx may be strongly indefinite at x0.");
            }
            ridge = ridge == 0 ? config.Ridge * scale : 10 * ridge;
        }
        LastRidge = ridge;

        // 4. Roll u_t = clip(K_t x_t + k_t) out on the true model.
        LqrSolution solution = solver.Solution;
        x0.CopyTo(Current.State(0));
        double cost = 0;
        for (int t = 0; t < Horizon; t++)
        {
            ReadOnlySpan<double> x = Current.State(t);
            Span<double> u = Current.Control(t);
            solution.Control(t, x, u);
            Dynamics.ControlBounds.Clip(u);
            solution.K(t).CopyTo(Current.Gain(t));
            cost += Cost.Stage(x, u);
            Dynamics.Step(workspace, x, u, Current.State(t + 1));
        }
        cost += Cost.Terminal(Current.State(Horizon));
        if (!double.IsFinite(cost))
            throw new PlanningException($"{Name}: the planned rollout has cost {cost}; expected a finite cost (the model or cost produced NaN/Inf).");
        Current.Cost = cost;
        return new PlanResult(Current, cost, Iterations: 1, Converged: true);
    }

    /// <inheritdoc />
    public void ShiftWarmStart(int steps) => Current.Shift(steps);

    /// <inheritdoc />
    public void Reset()
    {
        Array.Clear(Current.States);
        Array.Clear(Current.Controls);
        Array.Clear(Current.Gains!);
        Current.Cost = 0;
        LastRidge = 0;
    }

    // The same affine model and quadratized cost at every step; R = Luu + ridge I (a proximal term around u0).
    private void FillProblem(ReadOnlySpan<double> x0, double ridge)
    {
        int n = Dynamics.StateSize, m = Dynamics.ControlSize;
        stage.Lu.CopyTo(r, 0);
        DenseMatrix.Gemv(false, m, m, -1, stage.Luu, u0, 1, r);
        for (int i = 0; i < m; i++) r[i] -= ridge * u0[i];
        DenseMatrix.Gemv(false, m, n, -1, stage.Lux, x0, 1, r);
        for (int t = 0; t < Horizon; t++)
        {
            a.CopyTo(problem.A(t));
            b.CopyTo(problem.B(t));
            drift.CopyTo(problem.Drift(t));
            stage.Lxx.CopyTo(problem.Q(t));
            Span<double> rt = problem.R(t);
            stage.Luu.CopyTo(rt);
            DenseMatrix.AddToDiagonal(rt, m, ridge);
            stage.Lux.CopyTo(problem.N(t));
            q.CopyTo(problem.StateLinear(t));
            r.CopyTo(problem.ControlLinear(t));
        }
    }

    // A state Hessian that is not positive semidefinite (1 - cos terms far from their minimum) would make the
    // quadratic model unbounded below: its negative eigenvalues are set to zero. The linear terms are formed from the
    // projected matrix, so the model keeps the cost's value and gradient at x0.
    private void Convexify(Span<double> lxx) => psd.Project(lxx);

    private bool IsPositiveDefinite(ReadOnlySpan<double> matrix, int m)
    {
        matrix.CopyTo(luuFactor);
        return Cholesky.Factor(luuFactor, m, luuFactor);
    }

    private static void CheckDerivatives(CostDerivatives stage, CostDerivatives terminal, int n, int m)
    {
        LqrChecks.Finite(Name, "Lx (stage cost gradient)", stage.Lx, n);
        LqrChecks.Finite(Name, "Lu (stage cost gradient)", stage.Lu, m);
        LqrChecks.Finite(Name, "Lxx (stage cost Hessian)", stage.Lxx, n);
        LqrChecks.Finite(Name, "Luu (stage cost Hessian)", stage.Luu, m);
        LqrChecks.Finite(Name, "Lux (stage cost Hessian)", stage.Lux, n);
        LqrChecks.Finite(Name, "Lfx (terminal cost gradient)", terminal.Lx, n);
        LqrChecks.Finite(Name, "Lfxx (terminal cost Hessian)", terminal.Lxx, n);
    }
}
