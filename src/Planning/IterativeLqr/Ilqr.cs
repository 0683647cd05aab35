// Iterative LQR and DDP with control limits (Li and Todorov 2004; Tassa, Erez and Todorov 2012; Tassa, Mansard
// and Todorov 2014). Each iteration:
//   1. derivatives: Fx, Fu of the dynamics (in one batched call when the model offers it) and Lx, Lu, Lxx, Luu, Lux
//      of the cost along the nominal trajectory;
//   2. backward pass: the LQR recursion on the local quadratic model of the value function,
//      Q_t = l_t + V_{t+1}(f(x, u)) expanded to second order, with the control limits handled by a box QP on
//      the feed-forward k_t (clamped controls get no feedback), and Levenberg-Marquardt regularization mu I added
//      to Q_uu; DDP adds the dynamics' second derivatives contracted with V_x. Where Q_uu + mu I is still not
//      positive definite the local model has no minimum in u_t: that step is held (k_t = 0, K_t = 0, as if its
//      controls were clamped where they are) and the recursion goes on, so one concave step (a swing-up's cost
//      1 - cos theta is concave while the pole hangs) does not force a large mu on the whole horizon;
//   3. line search: roll out u_t = u_bar_t + alpha k_t + K_t (x_t - x_bar_t) on the true model for decreasing alpha,
//      accepting only when the actual decrease is at least a fraction of the decrease the quadratic model expects.
// On a state manifold (IDynamics.StateSpace, e.g. quaternions) derivatives, gains and the value function live in the
// tangent (nt coordinates), states stay in coordinates (n), and x_t - x_bar_t is Difference(x_bar_t, x_t).
// A cold plan can solve a shorter horizon first and extend it by the LQR regulator around its end (ColdStages).
// An accepted step lowers mu, a rejected one (or a non-finite rollout, or a failed backward pass) raises it.
// The partial files follow the iteration's phases: Ilqr.Derivatives.cs (model and cost derivatives along the
// nominal), Ilqr.BackwardPass.cs (Q terms, box-QP and Cholesky gains, the regularization schedule),
// Ilqr.ForwardPass.cs (rollouts and the line search) and Ilqr.ColdStart.cs (cold starts, horizon continuation).
using System.Diagnostics;
using Control.Core.Models;
using Control.Core.Threading;

namespace Control.Planning.IterativeLqr;

/// <summary>
/// iLQR / DDP planner with box control limits. <see cref="Plan"/> leaves the optimized trajectory with its
/// feedback gains K_t in <see cref="Current"/>, the feed-forward terms k_t in <see cref="FeedForward"/> and the
/// per-iteration diagnostics in <see cref="Iterations"/> (gains as <see cref="Trajectory"/> documents:
/// u_t = u_bar_t + K_t (x - x_bar_t) + alpha k_t). Allocates nothing per call after construction.
/// </summary>
public sealed partial class Ilqr : IPlanner
{
    private readonly IlqrConfig config;
    private readonly ISecondOrderDynamics? secondOrder;
    private readonly IBatchDynamics? batchLinearization;
    private readonly double[]? batchNext;
    private readonly WorkSharing team;
    private readonly DerivativeChunks derivativeChunks;
    private readonly LineSearchChunks lineSearchChunks;
    private readonly Member[] members;
    private readonly double[] start;
    private readonly int derivativeChunkCount;
    private readonly int n, nt, m;
    private readonly IStateSpace space;

    // Steps of the solve in progress: the configured horizon, or a cold plan's shorter stage.
    private int horizon;
    private readonly double[] alphas;
    private readonly double[] lower, upper;

    // The nominal trajectory and one candidate per line-search step size tried at once.
    private Trajectory nominal;
    private readonly Trajectory[] candidates;
    private readonly bool[] candidateFinite;
    private readonly double[] fx, fu;
    private readonly double[] lx, lu, lxx, luu, lux;
    private readonly double[] feedForward;
    private readonly List<IlqrIteration> iterations;

    // Cold-start search: the given initial controls and the best solution so far.
    private readonly double[] guess, bestFeedForward;
    private readonly Trajectory bestPlan;
    private readonly List<IlqrIteration> bestIterations;
    private (double, double) bestRegularization;

    // Backward-pass scratch.
    private readonly double[] vx, vxx, qx, qu, qxx, quu, qux, quuReg, vxxFx, vxxFu, kScratch, factor;
    private readonly double[] boxLower, boxUpper, freeRows, hxx, huu, hux;
    private readonly BoxQp boxQp;

    private int heldSteps;
    private double regularization, regularizationStep;
    private bool warmGains;
    private double expectedLinear, expectedQuadratic;

    /// <summary>A planner for <paramref name="dynamics"/> and <paramref name="cost"/>.</summary>
    public Ilqr(IDynamics dynamics, ICost cost, IlqrConfig? config = null)
    {
        this.config = config ?? new IlqrConfig();
        CheckConfig(this.config);
        PlannerChecks.Model(Name, dynamics, cost);
        space = dynamics.StateSpace;
        if (this.config.SecondOrderDynamics)
        {
            secondOrder = dynamics as ISecondOrderDynamics ?? throw new ArgumentException(
                $"{Name}: DDP needs second derivatives of the dynamics ({nameof(ISecondOrderDynamics)}); {dynamics.GetType().Name} gives only first derivatives. Use iLQR (SecondOrderDynamics = false).");
            ModelChecks.Euclidean(Name, dynamics, space,
                "DDP's second-order terms are Hessians in coordinates; on a manifold they would need the second derivatives of f in tangent coordinates, including the curvature of Integrate and Difference. Use iLQR (SecondOrderDynamics = false).");
        }
        Dynamics = dynamics;
        Cost = cost;
        batchLinearization = dynamics as IBatchDynamics;
        n = dynamics.StateSize;
        nt = space.TangentSize;
        m = dynamics.ControlSize;
        horizon = this.config.Horizon;

        alphas = new double[this.config.LineSearchSteps];
        for (int i = 0; i < alphas.Length; i++) alphas[i] = alphas.Length == 1 ? 1.0 : Math.Pow(10, -3.0 * i / (alphas.Length - 1));
        lower = dynamics.ControlBounds.Low.ToArray();
        upper = dynamics.ControlBounds.High.ToArray();
        ModelChecks.Length(Name, "control bounds", m, lower.Length);

        nominal = new Trajectory(horizon, n, m, withGains: true, space);
        int threads = this.config.Threads;
        candidates = new Trajectory[threads];
        for (int i = 0; i < threads; i++) candidates[i] = new Trajectory(horizon, n, m, withGains: true, space);
        candidateFinite = new bool[threads];
        members = new Member[threads];
        for (int i = 0; i < threads; i++) members[i] = new Member(dynamics.CreateWorkspace(), n, nt, m);
        team = new WorkSharing(threads);
        derivativeChunks = new DerivativeChunks(this);
        lineSearchChunks = new LineSearchChunks(this);
        start = new double[n];
        derivativeChunkCount = threads == 1 ? 1 : Math.Min(horizon, DerivativeChunksPerThread * threads);
        fx = new double[horizon * nt * nt];
        batchNext = batchLinearization is null ? null : new double[horizon * n];
        fu = new double[horizon * nt * m];
        lx = new double[(horizon + 1) * nt];
        lu = new double[horizon * m];
        lxx = new double[(horizon + 1) * nt * nt];
        luu = new double[horizon * m * m];
        lux = new double[horizon * m * nt];
        feedForward = new double[horizon * m];
        guess = new double[horizon * m];
        bestFeedForward = new double[horizon * m];
        bestPlan = new Trajectory(horizon, n, m, withGains: true, space);

        vx = new double[nt];
        vxx = new double[nt * nt];
        qx = new double[nt];
        qu = new double[m];
        qxx = new double[nt * nt];
        quu = new double[m * m];
        qux = new double[m * nt];
        quuReg = new double[m * m];
        vxxFx = new double[nt * nt];
        vxxFu = new double[nt * m];
        kScratch = new double[m];
        factor = new double[m * m];
        boxLower = new double[m];
        boxUpper = new double[m];
        freeRows = new double[m * nt];
        hxx = new double[nt * nt];
        huu = new double[m * m];
        hux = new double[m * nt];
        boxQp = new BoxQp(m);
        int logged = Math.Max(this.config.MaxIterations * this.config.ColdStages, this.config.WarmMaxIterations ?? 0);
        iterations = new List<IlqrIteration>(logged);
        bestIterations = new List<IlqrIteration>(logged);
        Reset();
    }

    private string Name => config.SecondOrderDynamics ? "DDP" : "iLQR";

    /// <inheritdoc />
    public IDynamics Dynamics { get; }

    /// <inheritdoc />
    public ICost Cost { get; }

    /// <inheritdoc />
    public int Horizon => config.Horizon;

    /// <summary>The settings.</summary>
    public IlqrConfig Config => config;

    /// <inheritdoc />
    public Trajectory Current => nominal;

    /// <summary>Feed-forward terms k_t (H x m) of the last backward pass.</summary>
    public ReadOnlySpan<double> FeedForward => feedForward;

    /// <summary>Diagnostics of every iteration of the last <see cref="Plan"/>.</summary>
    public IReadOnlyList<IlqrIteration> Iterations => iterations;

    /// <summary>
    /// Sets the controls the next <see cref="Plan"/> starts from (H x m), dropping the feedback of earlier plans. With
    /// <see cref="IlqrConfig.ColdStages"/> > 1 only the first stage's steps are used; the regulator extends them.
    /// </summary>
    public void SetInitialControls(ReadOnlySpan<double> controls)
    {
        ModelChecks.Length(Name, "initial controls (H x m)", config.Horizon * m, controls.Length);
        controls.CopyTo(nominal.Controls);
        warmGains = false;
    }

    /// <inheritdoc />
    public void ShiftWarmStart(int steps)
    {
        nominal.Shift(steps);
        ShiftStates(nominal, steps);
    }

    /// <inheritdoc />
    public void Reset()
    {
        Array.Clear(nominal.Controls);
        Array.Clear(nominal.Gains!);
        Array.Clear(feedForward);
        warmGains = false;
        regularization = config.InitialRegularization;
        regularizationStep = 1.0;
    }

    /// <inheritdoc />
    public PlanResult Plan(ReadOnlySpan<double> x0)
    {
        PlannerChecks.InitialState(Name, n, x0);
        if (warmGains)
        {
            iterations.Clear();
            horizon = config.Horizon;
            // A solve that ended because mu passed MaxRegularization (no descent found) must not hand that mu to the
            // next warm plan: every later solve would reject its first step and stop, and MPC would play the stale plan
            // shifted, whose tail repeats its last control (the cart-pole runaways of bench/RESULTS.md, "planning on a learned model").
            if (regularization > config.MaxRegularization)
            {
                regularization = config.InitialRegularization;
                regularizationStep = 1.0;
            }
            return Solve(x0, config.WarmMaxIterations ?? config.MaxIterations);
        }
        return config.ColdStarts == 1 ? ColdSolve(x0) : BestOfColdStarts(x0);
    }

    // One iLQR solve of the first `horizon` steps from the nominal controls (and gains, when warm), appending to the
    // iteration diagnostics; Iterations of the result counts this solve's own.
    private PlanResult Solve(ReadOnlySpan<double> x0, int budget)
    {
        int before = iterations.Count;

        // ---- initial rollout: the warm start's feedback policy, or open loop
        x0.CopyTo(start);
        long clock = Stopwatch.GetTimestamp();
        Trajectory candidate = candidates[0];
        bool finite = Rollout(members[0], nominal, candidate, alpha: 0, useGains: warmGains);
        if (!finite && warmGains) finite = Rollout(members[0], nominal, candidate, alpha: 0, useGains: false);
        if (!finite)
        {
            string from = warmGains ? (iterations.Count > 0 ? "the previous stage's plan extended by its regulator" : "the warm start") : "the initial controls";
            string context = $"the rollout of {from} from x0 over {horizon} steps produced a non-finite state or cost";
            if (NonFiniteSearch.Rollout(Dynamics, Cost, x0, nominal.Controls, horizon) is { } found)
                throw new NonFinitePlanException(Name, 0, found.TimeStep, found.Quantity, found.Value, context);
            throw new PlanningException($"{Name}: {context}; expected a model that is finite along it.");
        }
        (nominal, candidates[0]) = (candidate, nominal);
        double rolloutSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;

        bool converged = false;
        for (int iteration = 0; iteration < budget && !converged; iteration++)
        {
            // ---- derivatives along the nominal trajectory
            clock = Stopwatch.GetTimestamp();
            ComputeDerivatives();
            CheckDerivatives(iteration);
            double derivativeSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;

            // ---- backward pass, raising mu until Q_uu is positive definite
            clock = Stopwatch.GetTimestamp();
            bool backwardDone = false;
            while (!backwardDone)
            {
                backwardDone = BackwardPass();
                if (!backwardDone && !IncreaseRegularization()) break;
            }
            double backwardSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;
            if (!backwardDone)
            {
                iterations.Add(new IlqrIteration(nominal.Cost, 0, 0, 0, regularization, double.NaN, false,
                    rolloutSeconds, derivativeSeconds, backwardSeconds, 0, heldSteps, horizon));
                break;
            }

            double gradientNorm = GradientNorm();
            if (gradientNorm < config.GradientTolerance && regularization < 1e-5 && heldSteps == 0)
            {
                DecreaseRegularization();
                iterations.Add(new IlqrIteration(nominal.Cost, 0, 0, 0, regularization, gradientNorm, false,
                    rolloutSeconds, derivativeSeconds, backwardSeconds, 0, heldSteps, horizon));
                converged = true;
                break;
            }

            // ---- line search on the true model
            clock = Stopwatch.GetTimestamp();
            bool accepted = LineSearch(out double expected, out double actual, out double alphaTaken, out int acceptedCandidate);
            double lineSearchSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;

            if (accepted)
            {
                (nominal, candidates[acceptedCandidate]) = (candidates[acceptedCandidate], nominal);
                DecreaseRegularization();
                double tolerance = config.CostTolerance * Math.Abs(nominal.Cost);
                converged = actual < tolerance && -(expectedLinear + expectedQuadratic) < tolerance;
            }
            iterations.Add(new IlqrIteration(nominal.Cost, expected, accepted ? actual : 0, alphaTaken, regularization,
                gradientNorm, accepted, rolloutSeconds, derivativeSeconds, backwardSeconds, lineSearchSeconds, heldSteps, horizon));
            rolloutSeconds = 0;
            if (!accepted && !IncreaseRegularization()) break;
        }

        warmGains = true;
        return new PlanResult(nominal, nominal.Cost, iterations.Count - before, converged);
    }

    private double GradientNorm()
    {
        double sum = 0;
        for (int t = 0; t < horizon; t++)
        {
            double worst = 0;
            for (int i = 0; i < m; i++)
                worst = Math.Max(worst, Math.Abs(feedForward[t * m + i]) / (Math.Abs(nominal.Controls[t * m + i]) + 1));
            sum += worst;
        }
        return sum / horizon;
    }

    private static void ShiftStates(Trajectory trajectory, int steps)
    {
        int h = trajectory.Horizon, width = trajectory.StateSize;
        for (int t = 0; t <= h; t++)
        {
            int source = Math.Min(t + steps, h);
            if (source != t) Array.Copy(trajectory.States, source * width, trajectory.States, t * width, width);
        }
    }

    private static void CheckConfig(IlqrConfig c)
    {
        PlannerChecks.Horizon("iLQR", c.Horizon);
        if (c.MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(c.MaxIterations), c.MaxIterations, "iLQR: expected at least one iteration.");
        if (c.Threads < 1) throw new ArgumentOutOfRangeException(nameof(c.Threads), c.Threads, "iLQR: expected at least one thread (the caller's).");
        int maxStages = IlqrConfig.MaxColdStages(c.Horizon);
        if (c.ColdStages < 1 || c.ColdStages > maxStages)
        {
            throw new ArgumentOutOfRangeException(nameof(c.ColdStages), c.ColdStages,
                $"iLQR: expected 1..{maxStages} cold stages for horizon {c.Horizon} (1: no horizon continuation; the first stage, H / 2^(S - 1), must be at least one step).");
        }
        if (c.ColdStarts < 1) throw new ArgumentOutOfRangeException(nameof(c.ColdStarts), c.ColdStarts, "iLQR: expected at least one cold start.");
        if (c.WarmMaxIterations is < 1) throw new ArgumentOutOfRangeException(nameof(c.WarmMaxIterations), c.WarmMaxIterations, "iLQR: expected at least one warm iteration.");
        if (c.LineSearchSteps < 1) throw new ArgumentOutOfRangeException(nameof(c.LineSearchSteps), c.LineSearchSteps, "iLQR: expected at least one line-search step.");
        if (!(c.AcceptanceRatio >= 0 && c.AcceptanceRatio < 1)) throw new ArgumentOutOfRangeException(nameof(c.AcceptanceRatio), c.AcceptanceRatio, "iLQR: expected an acceptance ratio in [0, 1).");
        if (!(c.RegularizationFactor > 1)) throw new ArgumentOutOfRangeException(nameof(c.RegularizationFactor), c.RegularizationFactor, "iLQR: expected a regularization factor > 1.");
        if (!(c.MinRegularization > 0 && c.MinRegularization <= c.MaxRegularization))
            throw new ArgumentOutOfRangeException(nameof(c.MinRegularization), c.MinRegularization, "iLQR: expected 0 < MinRegularization <= MaxRegularization.");
        if (!(c.InitialRegularization >= 0)) throw new ArgumentOutOfRangeException(nameof(c.InitialRegularization), c.InitialRegularization, "iLQR: expected a non-negative initial regularization.");
        if (!(c.CostTolerance >= 0) || !(c.GradientTolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(c.CostTolerance), "iLQR: expected non-negative tolerances.");
    }
}
