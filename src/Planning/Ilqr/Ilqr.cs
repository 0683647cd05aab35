// Iterative LQR and DDP with control limits (Li and Todorov 2004; Tassa, Erez and Todorov 2012; Tassa, Mansard
// and Todorov 2014). Each iteration:
//   1. derivatives: Fx, Fu of the dynamics (in one batched call when the model offers it) and Lx, Lu, Lxx, Luu, Lux
//      of the cost along the nominal trajectory;
//   2. backward pass: the LQR recursion of the seed (002) on the local quadratic model of the value function,
//      Q_t = l_t + V_{t+1}(f(x, u)) expanded to second order, with the control limits handled by a box QP on
//      the feed-forward k_t (clamped controls get no feedback), and Levenberg-Marquardt regularization mu I added
//      to Q_uu; DDP adds the dynamics' second derivatives contracted with V_x. Where Q_uu + mu I is still not
//      positive definite the local model has no minimum in u_t: that step is held (k_t = 0, K_t = 0, as if its
//      controls were clamped where they are) and the recursion goes on, so one concave step (a swing-up's cost
//      1 - cos theta is concave while the pole hangs) does not force a large mu on the whole horizon;
//   3. line search: roll out u_t = u_bar_t + alpha k_t + K_t (x_t - x_bar_t) on the true model for decreasing alpha,
//      accepting only when the actual decrease is at least a fraction of the decrease the quadratic model expects.
// A cold plan can solve a shorter horizon first and extend it by the LQR regulator around its end (ColdStages).
// An accepted step lowers mu, a rejected one (or a non-finite rollout, or a failed backward pass) raises it.
using System.Diagnostics;
using Control.Core.Models;
using Control.Core.Numerics;
using Control.Core.Threading;

namespace Control.Planning;

/// <summary>
/// iLQR / DDP planner with box control limits. <see cref="Plan"/> leaves the optimized trajectory with its
/// feedback gains K_t in <see cref="Current"/>, the feed-forward terms k_t in <see cref="FeedForward"/> and the
/// per-iteration diagnostics in <see cref="Iterations"/>. Allocates nothing per call after construction.
/// </summary>
public sealed class Ilqr : IPlanner
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
    private readonly int n, m;

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
    private readonly double[] boxLower, boxUpper, hxx, huu, hux;
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
        if (this.config.SecondOrderDynamics)
        {
            secondOrder = dynamics as ISecondOrderDynamics ?? throw new ArgumentException(
                $"{Name}: DDP needs second derivatives of the dynamics ({nameof(ISecondOrderDynamics)}); {dynamics.GetType().Name} gives only first derivatives. Use iLQR (SecondOrderDynamics = false).");
        }
        Dynamics = dynamics;
        Cost = cost;
        batchLinearization = dynamics as IBatchDynamics;
        n = dynamics.StateSize;
        m = dynamics.ControlSize;
        horizon = this.config.Horizon;

        alphas = new double[this.config.LineSearchSteps];
        for (int i = 0; i < alphas.Length; i++) alphas[i] = alphas.Length == 1 ? 1.0 : Math.Pow(10, -3.0 * i / (alphas.Length - 1));
        lower = dynamics.ControlBounds.Low.ToArray();
        upper = dynamics.ControlBounds.High.ToArray();
        ModelChecks.Length(Name, "control bounds", m, lower.Length);

        nominal = new Trajectory(horizon, n, m, withGains: true);
        int threads = this.config.Threads;
        candidates = new Trajectory[threads];
        for (int i = 0; i < threads; i++) candidates[i] = new Trajectory(horizon, n, m, withGains: true);
        candidateFinite = new bool[threads];
        members = new Member[threads];
        for (int i = 0; i < threads; i++) members[i] = new Member(dynamics.CreateWorkspace(), n, m);
        team = new WorkSharing(threads);
        derivativeChunks = new DerivativeChunks(this);
        lineSearchChunks = new LineSearchChunks(this);
        start = new double[n];
        derivativeChunkCount = threads == 1 ? 1 : Math.Min(horizon, DerivativeChunksPerThread * threads);
        fx = new double[horizon * n * n];
        batchNext = batchLinearization is null ? null : new double[horizon * n];
        fu = new double[horizon * n * m];
        lx = new double[(horizon + 1) * n];
        lu = new double[horizon * m];
        lxx = new double[(horizon + 1) * n * n];
        luu = new double[horizon * m * m];
        lux = new double[horizon * m * n];
        feedForward = new double[horizon * m];
        guess = new double[horizon * m];
        bestFeedForward = new double[horizon * m];
        bestPlan = new Trajectory(horizon, n, m, withGains: true);

        vx = new double[n];
        vxx = new double[n * n];
        qx = new double[n];
        qu = new double[m];
        qxx = new double[n * n];
        quu = new double[m * m];
        qux = new double[m * n];
        quuReg = new double[m * m];
        vxxFx = new double[n * n];
        vxxFu = new double[n * m];
        kScratch = new double[m];
        factor = new double[m * m];
        boxLower = new double[m];
        boxUpper = new double[m];
        hxx = new double[n * n];
        huu = new double[m * m];
        hux = new double[m * n];
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
            return Solve(x0, config.WarmMaxIterations ?? config.MaxIterations);
        }
        if (config.ColdStarts == 1) return ColdSolve(x0);

        // Cold: solve from each initial guess and keep the cheapest solution with its diagnostics.
        nominal.Controls.CopyTo(guess, 0);
        int work = 0;
        PlanResult best = default;
        for (int start = 0; start < config.ColdStarts; start++)
        {
            ColdGuess(start);
            PlanResult result = ColdSolve(x0);
            work += result.Iterations;
            if (start == 0 || result.Cost < best.Cost)
            {
                best = result;
                bestPlan.CopyFrom(nominal);
                feedForward.CopyTo(bestFeedForward, 0);
                bestIterations.Clear();
                bestIterations.AddRange(iterations);
                bestRegularization = (regularization, regularizationStep);
            }
        }
        nominal.CopyFrom(bestPlan);
        bestFeedForward.CopyTo(feedForward, 0);
        iterations.Clear();
        iterations.AddRange(bestIterations);
        (regularization, regularizationStep) = bestRegularization;
        warmGains = true;
        return best with { Trajectory = nominal, Iterations = work };
    }

    // Initial controls of cold start `start`: the given ones, then constants alternating above and below the middle of the box.
    private void ColdGuess(int start)
    {
        warmGains = false;
        Array.Clear(nominal.Gains!);
        regularization = config.InitialRegularization;
        regularizationStep = 1.0;
        if (start == 0)
        {
            guess.CopyTo(nominal.Controls, 0);
            return;
        }
        double fraction = (start % 2 == 1 ? 1 : -1) * 0.5 / ((start + 1) / 2);
        for (int t = 0; t < config.Horizon; t++)
        {
            for (int i = 0; i < m; i++)
            {
                double low = double.IsFinite(lower[i]) ? lower[i] : -1, high = double.IsFinite(upper[i]) ? upper[i] : 1;
                nominal.Controls[t * m + i] = 0.5 * (low + high) + fraction * 0.5 * (high - low);
            }
        }
    }

    // A solve from the nominal controls without gains: over the whole horizon, or stage by stage (ColdStages), each
    // stage extended by the regulator around its end and solved again over the longer horizon.
    private PlanResult ColdSolve(ReadOnlySpan<double> x0)
    {
        iterations.Clear();
        int stages = config.ColdStages;
        int total = 0;
        PlanResult result = default;
        try
        {
            for (int stage = 1; stage <= stages; stage++)
            {
                int stageHorizon = (int)Math.Ceiling(config.Horizon / Math.Pow(2, stages - stage));
                if (stage > 1)
                {
                    if (stageHorizon == horizon) continue;
                    ExtendByRegulator(stageHorizon);
                    regularization = config.InitialRegularization;
                    regularizationStep = 1.0;
                }
                horizon = stageHorizon;
                result = Solve(x0, config.MaxIterations);
                total += result.Iterations;
            }
        }
        catch (PlanningException)
        {
            // A stage that cannot start (its rollout is not finite) leaves no usable plan: the next one starts cold.
            warmGains = false;
            horizon = config.Horizon;
            throw;
        }
        return result with { Iterations = total };
    }

    // Extends the plan of `horizon` steps to `extended` by the LQR regulator around its end: the dynamics linearized at
    // the last state and control (A, B), the stage cost's curvature there, and the Riccati recursion over the added
    // steps from the terminal cost's Hessian give gains K_t (zero where Q_uu is not positive definite). The added steps
    // get u_bar = the last control, x_bar = the last state and those gains, so the next solve's first rollout applies
    // u = u_last + K_t (x - x_last) there and repeats the solved steps exactly.
    private void ExtendByRegulator(int extended)
    {
        int last = horizon, nn = n * n, nm = n * m;
        Member member = members[0];
        ReadOnlySpan<double> xEnd = nominal.State(last);
        ReadOnlySpan<double> uEnd = nominal.Control(last - 1);
        Span<double> a = fx.AsSpan(last * nn, nn), b = fu.AsSpan(last * nm, nm);
        Dynamics.Linearize(member.Workspace, xEnd, uEnd, member.State, a, b);
        CostDerivatives d = member.CostDerivatives;
        Cost.TerminalDerivatives(xEnd, d);
        d.Lxx.CopyTo(vxx, 0);
        Cost.StageDerivatives(xEnd, uEnd, d);
        for (int t = extended - 1; t >= last; t--)
        {
            CurvatureTerms(a, b, d.Lxx, d.Luu, d.Lux);
            Span<double> gain = nominal.Gain(t);
            if (Cholesky.Factor(quu, m, factor)) GainsFromFactor(gain);
            else gain.Clear();
            ValueHessian(gain);
        }
        for (int t = last + 1; t <= extended; t++) xEnd.CopyTo(nominal.State(t));
        for (int t = last; t < extended; t++) uEnd.CopyTo(nominal.Control(t));
        feedForward.AsSpan(last * m, (extended - last) * m).Clear();
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
            throw new PlanningException(
                $"{Name}: the rollout of {from} from x0 over {horizon} steps produced a non-finite state or cost; expected a model that is finite along it.");
        }
        (nominal, candidates[0]) = (candidate, nominal);
        double rolloutSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;

        bool converged = false;
        for (int iteration = 0; iteration < budget && !converged; iteration++)
        {
            // ---- derivatives along the nominal trajectory
            clock = Stopwatch.GetTimestamp();
            ComputeDerivatives();
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

            // ---- line search on the true model: step sizes in decreasing order, as many at once as there are threads
            clock = Stopwatch.GetTimestamp();
            bool accepted = false;
            double expected = 0, actual = 0, alphaTaken = 0;
            int acceptedCandidate = -1;
            for (int first = 0; first < alphas.Length && !accepted; first += candidates.Length)
            {
                int count = Math.Min(candidates.Length, alphas.Length - first);
                lineSearchChunks.First = first;
                team.Run(lineSearchChunks, count, count);
                for (int c = 0; c < count && !accepted; c++)
                {
                    if (!candidateFinite[c]) continue;
                    double alpha = alphas[first + c];
                    expected = -alpha * (expectedLinear + alpha * expectedQuadratic);
                    actual = nominal.Cost - candidates[c].Cost;
                    double ratio = expected > 0 ? actual / expected : Math.Sign(actual);
                    if (ratio > config.AcceptanceRatio)
                    {
                        accepted = true;
                        alphaTaken = alpha;
                        acceptedCandidate = c;
                    }
                }
            }
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

    // Rolls out from x0 along `from` (controls u_bar, states x_bar, gains K) with u = u_bar + alpha k + K (x - x_bar),
    // clipped to the bounds, writing states, controls, gains and cost into `to`, with the member's own scratch memory.
    // False when a state or cost is not finite.
    private bool Rollout(Member member, Trajectory from, Trajectory to, double alpha, bool useGains)
    {
        Span<double> scratchX = member.State;
        start.CopyTo(to.State(0));
        double total = 0;
        for (int t = 0; t < horizon; t++)
        {
            Span<double> x = to.State(t);
            Span<double> u = to.Control(t);
            from.Control(t).CopyTo(u);
            if (useGains)
            {
                ReadOnlySpan<double> gain = from.Gain(t);
                ReadOnlySpan<double> xBar = from.State(t);
                for (int j = 0; j < n; j++) scratchX[j] = x[j] - xBar[j];
                for (int i = 0; i < m; i++)
                {
                    double value = u[i] + alpha * feedForward[t * m + i];
                    for (int j = 0; j < n; j++) value += gain[i * n + j] * scratchX[j];
                    u[i] = value;
                }
            }
            if (config.ControlLimits)
            {
                for (int i = 0; i < m; i++) u[i] = Math.Clamp(u[i], lower[i], upper[i]);
            }
            double stage = Cost.Stage(x, u);
            if (!double.IsFinite(stage)) return false;
            total += stage;
            Span<double> next = to.State(t + 1);
            Dynamics.Step(member.Workspace, x, u, next);
            for (int j = 0; j < n; j++)
            {
                if (!double.IsFinite(next[j])) return false;
            }
        }
        double terminal = Cost.Terminal(to.State(horizon));
        if (!double.IsFinite(terminal)) return false;
        to.Cost = total + terminal;
        from.Gains.AsSpan().CopyTo(to.Gains);
        return double.IsFinite(to.Cost);
    }

    private void ComputeDerivatives()
    {
        if (batchLinearization is not null)
        {
            batchLinearization.LinearizeBatch(members[0].Workspace, nominal.States.AsSpan(0, horizon * n), nominal.Controls.AsSpan(0, horizon * m),
                batchNext.AsSpan(0, horizon * n), fx.AsSpan(0, horizon * n * n), fu.AsSpan(0, horizon * n * m));
        }
        team.Run(derivativeChunks, derivativeChunkCount, members.Length);
        CostDerivatives terminal = members[0].CostDerivatives;
        Cost.TerminalDerivatives(nominal.State(horizon), terminal);
        terminal.Lx.CopyTo(lx, horizon * n);
        terminal.Lxx.CopyTo(lxx, horizon * n * n);
    }

    private const int DerivativeChunksPerThread = 4;

    // Dynamics and stage-cost derivatives of steps first .. end - 1 into the per-step arrays.
    private void StageDerivatives(Member member, int first, int end)
    {
        int nn = n * n, nm = n * m, mm = m * m;
        CostDerivatives d = member.CostDerivatives;
        for (int t = first; t < end; t++)
        {
            ReadOnlySpan<double> x = nominal.State(t);
            ReadOnlySpan<double> u = nominal.Control(t);
            if (batchLinearization is null) Dynamics.Linearize(member.Workspace, x, u, member.State, fx.AsSpan(t * nn, nn), fu.AsSpan(t * nm, nm));
            Cost.StageDerivatives(x, u, d);
            d.Lx.CopyTo(lx, t * n);
            d.Lu.CopyTo(lu, t * m);
            d.Lxx.CopyTo(lxx, t * nn);
            d.Luu.CopyTo(luu, t * mm);
            d.Lux.CopyTo(lux, t * m * n);
        }
    }

    // What one thread of a solve needs: its model workspace, a state-sized scratch vector and cost derivatives.
    private sealed class Member(DynamicsWorkspace workspace, int n, int m)
    {
        public DynamicsWorkspace Workspace { get; } = workspace;
        public double[] State { get; } = new double[n];
        public CostDerivatives CostDerivatives { get; } = new(n, m);
    }

    // Chunk c of the horizon's steps, split as evenly as the chunk count allows.
    private sealed class DerivativeChunks(Ilqr owner) : IChunkedWork
    {
        public void Run(int member, int chunk)
        {
            int chunks = owner.derivativeChunkCount;
            owner.StageDerivatives(owner.members[member], chunk * owner.horizon / chunks, (chunk + 1) * owner.horizon / chunks);
        }
    }

    // Chunk c rolls out step size alphas[First + c] into candidate c.
    private sealed class LineSearchChunks(Ilqr owner) : IChunkedWork
    {
        public int First;

        public void Run(int member, int chunk)
            => owner.candidateFinite[chunk] = owner.Rollout(owner.members[member], owner.nominal, owner.candidates[chunk], owner.alphas[First + chunk], useGains: true);
    }

    // The LQR recursion on the local model (Tassa et al. 2012, eqs. 5-11), with mu I added to Q_uu for the step and
    // gains; the value update uses the unregularized Q terms. A step whose Q_uu + mu I is not positive definite is
    // held. False when the values stop being finite, or when every step is held (nothing to move: raise mu).
    private bool BackwardPass()
    {
        int nn = n * n, nm = n * m, mm = m * m;
        double mu = regularization;
        lx.AsSpan(horizon * n, n).CopyTo(vx);
        lxx.AsSpan(horizon * nn, nn).CopyTo(vxx);
        expectedLinear = 0;
        expectedQuadratic = 0;
        heldSteps = 0;

        for (int t = horizon - 1; t >= 0; t--)
        {
            ReadOnlySpan<double> a = fx.AsSpan(t * nn, nn);
            ReadOnlySpan<double> b = fu.AsSpan(t * nm, nm);

            // Qx = lx + Fx' Vx, Qu = lu + Fu' Vx.
            for (int j = 0; j < n; j++)
            {
                double s = lx[t * n + j];
                for (int p = 0; p < n; p++) s += a[p * n + j] * vx[p];
                qx[j] = s;
            }
            for (int j = 0; j < m; j++)
            {
                double s = lu[t * m + j];
                for (int p = 0; p < n; p++) s += b[p * m + j] * vx[p];
                qu[j] = s;
            }
            CurvatureTerms(a, b, lxx.AsSpan(t * nn, nn), luu.AsSpan(t * mm, mm), lux.AsSpan(t * m * n, m * n));

            // DDP: the dynamics' curvature weighted by the value gradient.
            if (secondOrder is not null)
            {
                Array.Clear(hxx);
                Array.Clear(huu);
                Array.Clear(hux);
                secondOrder.AddWeightedHessians(members[0].Workspace, nominal.State(t), nominal.Control(t), vx, hxx, huu, hux);
                for (int i = 0; i < nn; i++) qxx[i] += hxx[i];
                for (int i = 0; i < mm; i++) quu[i] += huu[i];
                for (int i = 0; i < m * n; i++) qux[i] += hux[i];
            }
            for (int i = 0; i < mm; i++) quuReg[i] = quu[i];
            for (int i = 0; i < m; i++) quuReg[i * m + i] += mu;

            // Feed-forward k and gains K: a box QP when the controls are limited, a Cholesky solve otherwise.
            Span<double> k = feedForward.AsSpan(t * m, m);
            Span<double> gain = nominal.Gain(t);
            switch (SolveControl(t, k, gain))
            {
                case StepSolution.NotFinite:
                    return false;
                case StepSolution.Held:
                    k.Clear();
                    gain.Clear();
                    heldSteps++;
                    break;
            }

            // Expected decrease and the value function at t.
            for (int i = 0; i < m; i++)
            {
                expectedLinear += k[i] * qu[i];
                double s = 0;
                for (int j = 0; j < m; j++) s += quu[i * m + j] * k[j];
                expectedQuadratic += 0.5 * k[i] * s;
                kScratch[i] = s;
            }
            // Vx = Qx + K' Quu k + K' Qu + Qux' k.
            for (int j = 0; j < n; j++)
            {
                double s = qx[j];
                for (int i = 0; i < m; i++) s += gain[i * n + j] * (kScratch[i] + qu[i]) + qux[i * n + j] * k[i];
                vx[j] = s;
            }
            ValueHessian(gain);
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(vx[i]) || !double.IsFinite(vxx[i * n + i])) return false;
            }
        }
        return heldSteps < horizon;
    }

    // Qxx = lxx + Fx' Vxx Fx, Quu = luu + Fu' Vxx Fu and Qux = lux + Fu' Vxx Fx from the value Hessian Vxx of the next step.
    private void CurvatureTerms(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> stageLxx,
        ReadOnlySpan<double> stageLuu, ReadOnlySpan<double> stageLux)
    {
        // Vxx Fx (n x n) and Vxx Fu (n x m).
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < n; p++) s += vxx[i * n + p] * a[p * n + j];
                vxxFx[i * n + j] = s;
            }
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int p = 0; p < n; p++) s += vxx[i * n + p] * b[p * m + j];
                vxxFu[i * m + j] = s;
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = stageLxx[i * n + j];
                for (int p = 0; p < n; p++) s += a[p * n + i] * vxxFx[p * n + j];
                qxx[i * n + j] = s;
            }
        }
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double s = stageLuu[i * m + j];
                for (int p = 0; p < n; p++) s += b[p * m + i] * vxxFu[p * m + j];
                quu[i * m + j] = s;
            }
            for (int j = 0; j < n; j++)
            {
                double s = stageLux[i * n + j];
                for (int p = 0; p < n; p++) s += b[p * m + i] * vxxFx[p * n + j];
                qux[i * n + j] = s;
            }
        }
    }

    // Vxx = Qxx + K' Quu K + K' Qux + Qux' K: the lower triangle, mirrored (keeps it exactly symmetric).
    private void ValueHessian(ReadOnlySpan<double> gain)
    {
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = qxx[i * n + j];
                for (int p = 0; p < m; p++)
                {
                    double quuKj = 0;
                    for (int q = 0; q < m; q++) quuKj += quu[p * m + q] * gain[q * n + j];
                    s += gain[p * n + i] * (quuKj + qux[p * n + j]) + qux[p * n + i] * gain[p * n + j];
                }
                vxx[i * n + j] = s;
                if (i != j) vxx[j * n + i] = s;
            }
        }
    }

    private enum StepSolution { Solved, Held, NotFinite }

    // k_t and K_t from the regularized local model at t; Held when Q_uu + mu I is not positive definite there.
    private StepSolution SolveControl(int t, Span<double> k, Span<double> gain)
    {
        for (int i = 0; i < m; i++)
        {
            if (!double.IsFinite(qu[i])) return StepSolution.NotFinite;
        }
        for (int i = 0; i < m * m; i++)
        {
            if (!double.IsFinite(quuReg[i])) return StepSolution.NotFinite;
        }
        if (m == 1)
        {
            // One control: the box QP is a clamp of the Newton step; a clamped control gets no feedback.
            double curvature = quuReg[0];
            if (!(curvature > 0)) return StepSolution.Held;
            double step = -qu[0] / curvature;
            bool clamped = false;
            if (config.ControlLimits)
            {
                double u = nominal.Controls[t];
                double clippedStep = Math.Clamp(step, lower[0] - u, upper[0] - u);
                clamped = clippedStep != step;
                step = clippedStep;
            }
            k[0] = step;
            for (int j = 0; j < n; j++) gain[j] = clamped ? 0 : -qux[j] / curvature;
            return StepSolution.Solved;
        }

        if (config.ControlLimits)
        {
            ReadOnlySpan<double> u = nominal.Control(t);
            for (int i = 0; i < m; i++)
            {
                boxLower[i] = lower[i] - u[i];
                boxUpper[i] = upper[i] - u[i];
            }
            BoxQpStatus status = boxQp.Solve(quuReg, qu, boxLower, boxUpper, k);
            if (status == BoxQpStatus.HessianNotPositiveDefinite) return StepSolution.Held;
            gain.Clear();
            if (status == BoxQpStatus.AllClamped) return StepSolution.Solved;
            // Free rows: K_f = -Quu_ff^-1 Qux_f (through the factor the QP left); clamped rows stay zero.
            int free = boxQp.FreeCount;
            Span<double> column = stackalloc double[free];
            for (int j = 0; j < n; j++)
            {
                int a = 0;
                for (int i = 0; i < m; i++)
                {
                    if (boxQp.Free[i]) column[a++] = -qux[i * n + j];
                }
                Cholesky.Solve(boxQp.FreeCholesky.AsSpan(0, free * free), free, column);
                a = 0;
                for (int i = 0; i < m; i++)
                {
                    if (boxQp.Free[i]) gain[i * n + j] = column[a++];
                }
            }
            return StepSolution.Solved;
        }

        if (!Cholesky.Factor(quuReg, m, factor)) return StepSolution.Held;
        for (int i = 0; i < m; i++) k[i] = -qu[i];
        Cholesky.Solve(factor, m, k);
        GainsFromFactor(gain);
        return StepSolution.Solved;
    }

    // K = -Q_uu^-1 Q_ux, column by column, through the Cholesky factor of Q_uu (regularized or not) in `factor`.
    private void GainsFromFactor(Span<double> gain)
    {
        Span<double> column = stackalloc double[m];
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < m; i++) column[i] = -qux[i * n + j];
            Cholesky.Solve(factor, m, column);
            for (int i = 0; i < m; i++) gain[i * n + j] = column[i];
        }
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

    // Tassa et al. 2012, Sec. II-F: mu grows and shrinks geometrically with an accelerating factor.
    private bool IncreaseRegularization()
    {
        double factor0 = config.RegularizationFactor;
        regularizationStep = Math.Max(factor0, regularizationStep * factor0);
        regularization = Math.Max(config.MinRegularization, regularization * regularizationStep);
        return regularization <= config.MaxRegularization;
    }

    private void DecreaseRegularization()
    {
        double factor0 = config.RegularizationFactor;
        regularizationStep = Math.Min(regularizationStep / factor0, 1 / factor0);
        regularization *= regularizationStep;
        if (regularization < config.MinRegularization) regularization = 0;
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
