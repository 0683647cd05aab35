// iLQR and DDP against things they must reproduce exactly: the unconstrained optimum of a linear-quadratic
// problem (the batch least-squares solution), the optimality conditions of a box-constrained problem, DDP's
// agreement with iLQR at a converged trajectory, and robustness to a model that returns NaN.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Core.Numerics;
using Control.Dynamics;
using Control.Planning.IterativeLqr;
using Control.Robots;

namespace Control.Planning.Tests.IterativeLqr;

public class IlqrTests
{
    private static (LinearDynamics Dynamics, QuadraticCost Cost) RandomLinearQuadratic(int n, int m, long seed, Box? bounds = null)
    {
        var rng = new Rng(seed);
        var a = new double[n * n];
        var b = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) a[i * n + j] = (i == j ? 1.0 : 0.0) + 0.1 * rng.Normal();
            for (int j = 0; j < m; j++) b[i * m + j] = 0.5 * rng.Normal();
        }
        double[] q = SpdMatrix(rng, n, 0.5), r = SpdMatrix(rng, m, 0.1), qf = SpdMatrix(rng, n, 2.0);
        var cross = new double[m * n];
        for (int i = 0; i < cross.Length; i++) cross[i] = 0.05 * rng.Normal();
        return (new LinearDynamics(a, b, n, bounds: bounds), new QuadraticCost(q, r, qf, cross));
    }

    private static double[] SpdMatrix(Rng rng, int size, double ridge)
    {
        var l = new double[size * size];
        for (int i = 0; i < l.Length; i++) l[i] = rng.Normal();
        var s = new double[size * size];
        for (int i = 0; i < size; i++)
        {
            for (int j = 0; j < size; j++)
            {
                double v = i == j ? ridge : 0;
                for (int p = 0; p < size; p++) v += 0.2 * l[i * size + p] * l[j * size + p];
                s[i * size + j] = v;
            }
        }
        return s;
    }

    // Total cost as a function of the stacked controls: J(U) = 1/2 U'HU + g'U + const for a linear system. The
    // exact minimizer comes from the normal equations H U = -g, with H and g found by probing J (it is quadratic).
    private static double[] BatchLeastSquaresControls(IDynamics dynamics, ICost cost, double[] x0, int horizon)
    {
        int k = horizon * dynamics.ControlSize;
        double J(double[] u) => Rollout(dynamics, cost, x0, u, horizon);
        var zero = new double[k];
        double j0 = J(zero);
        var g = new double[k];
        var h = new double[k * k];
        var diag = new double[k];
        for (int i = 0; i < k; i++)
        {
            var e = new double[k];
            e[i] = 1;
            double plus = J(e);
            e[i] = -1;
            double minus = J(e);
            g[i] = 0.5 * (plus - minus);
            diag[i] = plus + minus - 2 * j0;
        }
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                if (i == j) { h[i * k + i] = diag[i]; continue; }
                var e = new double[k];
                e[i] = 1;
                e[j] = 1;
                h[i * k + j] = J(e) - j0 - g[i] - g[j] - 0.5 * diag[i] - 0.5 * diag[j];
            }
        }
        var solution = g.Select(v => -v).ToArray();
        var factor = new double[k * k];
        Assert.True(Cholesky.Factor(h, k, factor));
        Cholesky.Solve(factor, k, solution);
        return solution;
    }

    private static double Rollout(IDynamics dynamics, ICost cost, double[] x0, double[] u, int horizon)
    {
        int n = dynamics.StateSize, m = dynamics.ControlSize;
        var x = (double[])x0.Clone();
        var next = new double[n];
        var ws = dynamics.CreateWorkspace();
        double total = 0;
        for (int t = 0; t < horizon; t++)
        {
            var ut = u.AsSpan(t * m, m);
            total += cost.Stage(x, ut);
            dynamics.Step(ws, x, ut, next);
            next.CopyTo(x, 0);
        }
        return total + cost.Terminal(x);
    }

    // The 4-state, 2-control random problem of the linear-quadratic tests, its start and its exact optimal controls.
    private static (LinearDynamics Dynamics, QuadraticCost Cost, double[] X0, double[] Optimum) LinearQuadraticOptimum(int horizon)
    {
        (LinearDynamics dynamics, QuadraticCost cost) = RandomLinearQuadratic(4, 2, seed: 3);
        double[] x0 = [1.0, -0.5, 0.3, 2.0];
        return (dynamics, cost, x0, BatchLeastSquaresControls(dynamics, cost, x0, horizon));
    }

    [Fact]
    public void OnALinearQuadraticProblemOneIterationReachesTheLqrOptimum()
    {
        const int horizon = 12;
        (LinearDynamics dynamics, QuadraticCost cost, double[] x0, double[] optimum) = LinearQuadraticOptimum(horizon);
        double optimalCost = Rollout(dynamics, cost, x0, optimum, horizon);

        foreach (bool secondOrder in new[] { false, true })
        {
            var planner = new Ilqr(dynamics, cost, new IlqrConfig { Horizon = horizon, InitialRegularization = 0, SecondOrderDynamics = secondOrder });
            PlanResult result = planner.Plan(x0);
            Assert.True(result.Converged);
            Assert.True(planner.Iterations[0].Accepted);
            Assert.Equal(1.0, planner.Iterations[0].StepSize);
            Assert.True(Math.Abs(planner.Iterations[0].Cost - optimalCost) <= 1e-9 * Math.Abs(optimalCost), $"first iteration cost {planner.Iterations[0].Cost} vs optimum {optimalCost}");
            Assert.True(planner.Iterations.Skip(1).All(i => i.ActualReduction <= 1e-9 * Math.Abs(optimalCost)));
            for (int i = 0; i < optimum.Length; i++) Assert.Equal(optimum[i], result.Trajectory.Controls[i], 7);
        }
    }

    [Fact]
    public void ControlLimitsAreNeverViolatedAndTheSolutionIsOptimalInTheBox()
    {
        (LinearDynamics dynamics, QuadraticCost cost) = RandomLinearQuadratic(3, 2, seed: 5, bounds: Box.Uniform(2, -0.4, 0.3));
        double[] x0 = [3.0, -2.0, 1.5];
        const int horizon = 15;
        var planner = new Ilqr(dynamics, cost, new IlqrConfig { Horizon = horizon, GradientTolerance = 1e-9, CostTolerance = 1e-14, MaxIterations = 200 });
        PlanResult result = planner.Plan(x0);
        double[] u = result.Trajectory.Controls;
        Assert.True(result.Converged, string.Join("\n", planner.Iterations));
        Assert.All(u, v => Assert.InRange(v, -0.4, 0.3));
        Assert.Contains(u, v => v == -0.4 || v == 0.3);

        // KKT by finite differences of the rollout cost (one-sided into the box at a bound): zero gradient at free
        // controls, and at a bound no decrease by moving inward.
        double j0 = Rollout(dynamics, cost, x0, u, horizon);
        Assert.Equal(j0, result.Cost, 9);
        const double h = 1e-6;
        double J(int i, double delta)
        {
            var moved = (double[])u.Clone();
            moved[i] += delta;
            return Rollout(dynamics, cost, x0, moved, horizon);
        }
        for (int i = 0; i < u.Length; i++)
        {
            if (u[i] == -0.4) Assert.True((J(i, h) - j0) / h >= -1e-5, $"u[{i}] at the lower bound could move up and lower the cost");
            else if (u[i] == 0.3) Assert.True((J(i, -h) - j0) / h >= -1e-5, $"u[{i}] at the upper bound could move down and lower the cost");
            else Assert.True(Math.Abs(J(i, h) - J(i, -h)) / (2 * h) <= 1e-5, $"free u[{i}] = {u[i]} has a nonzero gradient");
        }
    }

    [Fact]
    public void CostNeverIncreasesAcrossAcceptedIterations()
    {
        IModelEnv env = Envs.Make("cartpole-swingup", 2).Find<IModelEnv>()!;
        var planner = new Ilqr(env.Dynamics, env.Cost, new IlqrConfig { Horizon = 80, MaxIterations = 60 });
        PlanResult result = planner.Plan([0.02, -0.01, Math.PI - 0.03, 0.01]);
        double previous = double.PositiveInfinity;
        foreach (IlqrIteration iteration in planner.Iterations)
        {
            Assert.True(iteration.Cost <= previous, $"cost rose from {previous} to {iteration.Cost}");
            previous = iteration.Cost;
        }
        Assert.True(result.Cost < planner.Iterations[0].Cost + planner.Iterations[0].ActualReduction);
        Assert.All(result.Trajectory.Controls, u => Assert.InRange(u, -10, 10));
    }

    // The cold swing-up of the bench: from the hanging cart-pole the cost 1 - cos(theta) is concave, so Q_uu is
    // indefinite at many steps. Those steps are held (k = 0, K = 0) instead of raising mu for the whole horizon,
    // and every one of the bench's five solves converges within 200 iterations (before holding, two of them were
    // still creeping at 300 with mu pinned near 0.15).
    [Fact]
    public void ConcaveStepsAreHeldAndTheColdCartPoleSwingUpConverges()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            IEnv env = Envs.Make("cartpole-swingup", seed);
            IModelEnv model = env.Find<IModelEnv>()!;
            env.Reset(new double[env.ObservationSpace.FlatSize], seed);
            var x0 = new double[model.StateSize];
            model.GetState(x0);
            var planner = new Ilqr(model.Dynamics, model.Cost, new IlqrConfig { Horizon = 100, MaxIterations = 200 });
            PlanResult result = planner.Plan(x0);
            Assert.True(result.Converged, $"seed {seed}: not converged after {result.Iterations} iterations (cost {result.Cost})");
            Assert.Contains(planner.Iterations, it => it.Accepted && it.HeldSteps > 0);
            double previous = double.PositiveInfinity;
            foreach (IlqrIteration iteration in planner.Iterations)
            {
                Assert.True(iteration.Cost <= previous, $"seed {seed}: cost rose from {previous} to {iteration.Cost}");
                previous = iteration.Cost;
            }
            int held = 0;
            for (int t = 0; t < 100; t++)
            {
                if (planner.FeedForward[t] == 0 && planner.Current.Gain(t).ToArray().All(g => g == 0)) held++;
            }
            Assert.True(held >= planner.Iterations[^1].HeldSteps, $"seed {seed}: {planner.Iterations[^1].HeldSteps} steps reported held, {held} with k = 0 and K = 0");
        }
    }

    // From rest the one-stage cold solve of the bench's swing-up converges to a plan that swings up, lets the pole
    // fall and turns it over once more (cost 100-120). Horizon continuation solves 25 steps, extends them by the
    // regulator around the end, then 50 and 100 steps: every seed holds the pole upright and still over the last
    // second at about half the cost (47), and within each stage the cost never rises.
    [Fact]
    public void ColdStagesSwingTheCartPoleUpAndHoldIt()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            IEnv env = Envs.Make("cartpole-swingup", seed);
            IModelEnv model = env.Find<IModelEnv>()!;
            IGoalEnv goal = env.Find<IGoalEnv>()!;
            env.Reset(new double[env.ObservationSpace.FlatSize], seed);
            var x0 = new double[model.StateSize];
            model.GetState(x0);
            var config = new IlqrConfig { Horizon = 100, MaxIterations = 200 };
            PlanResult single = new Ilqr(model.Dynamics, model.Cost, config).Plan(x0);
            var planner = new Ilqr(model.Dynamics, model.Cost, config with { ColdStages = 3 });
            PlanResult staged = planner.Plan(x0);

            Assert.True(staged.Converged, $"seed {seed}: not converged after {staged.Iterations} iterations");
            Assert.Equal(planner.Iterations.Count, staged.Iterations);
            Assert.Equal([25, 50, 100], planner.Iterations.Select(i => i.Horizon).Distinct());
            Assert.True(planner.Iterations.Zip(planner.Iterations.Skip(1)).All(p => p.First.Horizon <= p.Second.Horizon));
            foreach (IGrouping<int, IlqrIteration> stage in planner.Iterations.GroupBy(i => i.Horizon))
            {
                double previous = double.PositiveInfinity;
                foreach (IlqrIteration iteration in stage)
                {
                    Assert.True(iteration.Cost <= previous, $"seed {seed}, stage {stage.Key}: cost rose from {previous} to {iteration.Cost}");
                    previous = iteration.Cost;
                }
            }
            Assert.Equal(Rollout(model.Dynamics, model.Cost, x0, staged.Trajectory.Controls, 100), staged.Cost, 9);
            Assert.All(staged.Trajectory.Controls, u => Assert.InRange(u, -10, 10));
            for (int t = 80; t <= 100; t++) Assert.True(goal.AtGoal(staged.Trajectory.State(t)), $"seed {seed}: not at the goal at step {t}");
            Assert.True(staged.Cost < 0.6 * single.Cost, $"seed {seed}: staged cost {staged.Cost}, one stage {single.Cost}");

            // A cold plan again, after Reset: the same solve, and nothing allocated.
            planner.Reset();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            PlanResult again = planner.Plan(x0);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - allocated);
            Assert.Equal(staged.Cost, again.Cost);
        }
    }

    // On a convex problem the continuation ends where one solve does: the stages' answers are only starting points,
    // and without regularization each stage is one Newton step.
    [Fact]
    public void ColdStagesOnALinearQuadraticProblemReachTheLqrOptimum()
    {
        const int horizon = 12;
        (LinearDynamics dynamics, QuadraticCost cost, double[] x0, double[] optimum) = LinearQuadraticOptimum(horizon);
        var planner = new Ilqr(dynamics, cost, new IlqrConfig { Horizon = horizon, ColdStages = 3, InitialRegularization = 0 });
        PlanResult result = planner.Plan(x0);
        Assert.True(result.Converged);
        Assert.Equal([3, 6, 12], planner.Iterations.Select(i => i.Horizon).Distinct());
        IlqrIteration lastStageFirst = planner.Iterations.First(i => i.Horizon == horizon);
        Assert.Equal(1.0, lastStageFirst.StepSize);
        Assert.Equal(Rollout(dynamics, cost, x0, optimum, horizon), lastStageFirst.Cost, 9);
        for (int i = 0; i < optimum.Length; i++) Assert.Equal(optimum[i], result.Trajectory.Controls[i], 7);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ilqr(dynamics, cost, new IlqrConfig { Horizon = horizon, ColdStages = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ilqr(dynamics, cost, new IlqrConfig { Horizon = horizon, ColdStages = 5 }));
        _ = new Ilqr(dynamics, cost, new IlqrConfig { Horizon = horizon, ColdStages = 4 });
    }

    // The extension between stages, checked against its definition computed here: on a linear-quadratic problem the
    // first stage (6 of 12 steps, unregularized) ends at its least-squares optimum; the added steps apply
    // u = u_last + K_t (x - x_end) with K_t from the Riccati recursion on (A, B) and the cost's Hessians at the end,
    // started from the terminal Hessian. The second stage's first rollout must cost what that sequence costs
    // (its first iteration's cost plus the decrease it made).
    [Fact]
    public void TheStageExtensionIsTheRegulatorAroundTheStageEnd()
    {
        (LinearDynamics dynamics, QuadraticCost cost) = RandomLinearQuadratic(4, 2, seed: 7);
        double[] x0 = [1.0, -0.5, 0.3, 2.0];
        const int n = 4, m = 2, horizon = 12, half = 6;
        var planner = new Ilqr(dynamics, cost, new IlqrConfig { Horizon = horizon, ColdStages = 2, InitialRegularization = 0 });
        planner.Plan(x0);

        double[] controls = new double[horizon * m];
        BatchLeastSquaresControls(dynamics, cost, x0, half).CopyTo(controls, 0);
        DynamicsWorkspace ws = dynamics.CreateWorkspace();
        var x = (double[])x0.Clone();
        var next = new double[n];
        for (int t = 0; t < half; t++)
        {
            dynamics.Step(ws, x, controls.AsSpan(t * m, m), next);
            next.CopyTo(x, 0);
        }
        double[] xEnd = (double[])x.Clone(), uEnd = controls[((half - 1) * m)..(half * m)];
        var a = new double[n * n];
        var b = new double[n * m];
        dynamics.Linearize(ws, xEnd, uEnd, next, a, b);
        var stage = new CostDerivatives(n, m);
        var terminal = new CostDerivatives(n, m);
        cost.StageDerivatives(xEnd, uEnd, stage);
        cost.TerminalDerivatives(xEnd, terminal);
        double[] v = (double[])terminal.Lxx.Clone();
        var gains = new double[horizon - half][];
        for (int t = horizon - 1; t >= half; t--)
        {
            double[] va = Mul(v, a, n, n, n), vb = Mul(v, b, n, n, m);
            double[] quu = Add(stage.Luu, Mul(Transpose(b, n, m), vb, m, n, m));
            double[] qux = Add(stage.Lux, Mul(Transpose(b, n, m), va, m, n, n));
            double[] qxx = Add(stage.Lxx, Mul(Transpose(a, n, n), va, n, n, n));
            double det = quu[0] * quu[3] - quu[1] * quu[2];
            double[] inverse = [quu[3] / det, -quu[1] / det, -quu[2] / det, quu[0] / det];
            double[] k = Mul(inverse, qux, m, m, n);
            for (int i = 0; i < k.Length; i++) k[i] = -k[i];
            gains[t - half] = k;
            double[] kt = Transpose(k, m, n);
            v = Add(Add(qxx, Mul(kt, Mul(quu, k, m, m, n), n, m, n)), Add(Mul(kt, qux, n, m, n), Mul(Transpose(qux, m, n), k, n, m, n)));
        }
        for (int t = half; t < horizon; t++)
        {
            for (int i = 0; i < m; i++)
            {
                double u = uEnd[i];
                for (int j = 0; j < n; j++) u += gains[t - half][i * n + j] * (x[j] - xEnd[j]);
                controls[t * m + i] = u;
            }
            dynamics.Step(ws, x, controls.AsSpan(t * m, m), next);
            next.CopyTo(x, 0);
        }
        double expected = Rollout(dynamics, cost, x0, controls, horizon);
        IlqrIteration first = planner.Iterations.First(i => i.Horizon == horizon);
        double started = first.Cost + first.ActualReduction;
        Assert.True(Math.Abs(started - expected) <= 1e-8 * Math.Abs(expected), $"second stage started at {started}, the regulator's sequence costs {expected}");
        Assert.True(started > planner.Iterations[^1].Cost + 1e-6, "the check needs a start that is not already the optimum");
    }

    private static double[] Mul(double[] x, double[] y, int rows, int inner, int cols)
    {
        var z = new double[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                for (int p = 0; p < inner; p++) z[i * cols + j] += x[i * inner + p] * y[p * cols + j];
        return z;
    }

    private static double[] Transpose(double[] x, int rows, int cols)
    {
        var z = new double[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) z[j * rows + i] = x[i * cols + j];
        return z;
    }

    private static double[] Add(double[] x, double[] y) => x.Zip(y, (p, q) => p + q).ToArray();

    // Threads split the derivatives and try several step sizes at once, keeping the largest accepted one: the solve
    // is the same, bit for bit, cold (in one stage or three) and warm.
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void TwoThreadsGiveTheSameSolveBitForBit(int stages)
    {
        IModelEnv env = Envs.Make("cartpole-swingup", 3).Find<IModelEnv>()!;
        double[] x0 = [0.03, -0.02, Math.PI + 0.04, 0.01];
        var config = new IlqrConfig { Horizon = 100, MaxIterations = 80, ColdStages = stages };
        var one = new Ilqr(env.Dynamics, env.Cost, config);
        var two = new Ilqr(env.Dynamics, env.Cost, config with { Threads = 2 });
        for (int plan = 0; plan < 3; plan++)
        {
            PlanResult a = one.Plan(x0), b = two.Plan(x0);
            Assert.Equal(a.Cost, b.Cost);
            Assert.Equal(a.Iterations, b.Iterations);
            Assert.Equal(one.Iterations.Select(i => (i.Cost, i.StepSize, i.Regularization, i.HeldSteps)), two.Iterations.Select(i => (i.Cost, i.StepSize, i.Regularization, i.HeldSteps)));
            Assert.Equal(one.Current.Controls, two.Current.Controls);
            Assert.Equal(one.Current.States, two.Current.States);
            Assert.Equal(one.Current.Gains, two.Current.Gains);
            Assert.Equal(one.FeedForward.ToArray(), two.FeedForward.ToArray());
            one.ShiftWarmStart(1);
            two.ShiftWarmStart(1);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ilqr(env.Dynamics, env.Cost, config with { Threads = 0 }));
    }

    [Fact]
    public void DdpAndIlqrAgreeAtConvergence()
    {
        IModelEnv env = Envs.Make("pendulum").Find<IModelEnv>()!;
        double[] x0 = [2.5, 0.0];
        var config = new IlqrConfig { Horizon = 40, MaxIterations = 300, GradientTolerance = 1e-7, CostTolerance = 1e-13 };
        var ilqr = new Ilqr(env.Dynamics, env.Cost, config);
        var ddp = new Ilqr(env.Dynamics, env.Cost, config with { SecondOrderDynamics = true });
        PlanResult a = ilqr.Plan(x0);
        PlanResult b = ddp.Plan(x0);
        Assert.True(Math.Abs(a.Cost - b.Cost) <= 1e-6 * Math.Abs(a.Cost), $"iLQR {a.Cost} vs DDP {b.Cost}");
        for (int i = 0; i < a.Trajectory.Controls.Length; i++) Assert.Equal(a.Trajectory.Controls[i], b.Trajectory.Controls[i], 3);
    }

    private sealed class NaNAboveSpeed(IDynamics inner, double limit) : IDynamics
    {
        public int StateSize => inner.StateSize;
        public int ControlSize => inner.ControlSize;
        public double TimeStep => inner.TimeStep;
        public Box ControlBounds => inner.ControlBounds;
        public int NaNs { get; private set; }
        public DynamicsWorkspace CreateWorkspace() => inner.CreateWorkspace();

        public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
        {
            inner.Step(workspace, x, u, next);
            if (Math.Abs(next[1]) > limit)
            {
                next.Fill(double.NaN);
                NaNs++;
            }
        }

        public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next, Span<double> fx, Span<double> fu)
            => inner.Linearize(workspace, x, u, next, fx, fu);
    }

    // Every step after the given number of linearizations is NaN, until Healed.
    private sealed class NaNAfterLinearizations(IDynamics inner, int healthy) : IDynamics
    {
        private int linearizations;
        public int StateSize => inner.StateSize;
        public int ControlSize => inner.ControlSize;
        public double TimeStep => inner.TimeStep;
        public Box ControlBounds => inner.ControlBounds;
        public bool Healed { get; set; }
        public DynamicsWorkspace CreateWorkspace() => inner.CreateWorkspace();

        public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
        {
            inner.Step(workspace, x, u, next);
            if (!Healed && linearizations > healthy) next.Fill(double.NaN);
        }

        public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next, Span<double> fx, Span<double> fu)
        {
            linearizations++;
            inner.Linearize(workspace, x, u, next, fx, fu);
        }
    }

    // The first stage (25 steps, one iteration: 25 linearizations) solves; from the regulator's linearization on the
    // model is NaN, so the second stage cannot start: a typed error, and the next plan is a whole cold plan again
    // (stage by stage from its first 25 steps, not a warm solve of the half-extended plan).
    [Fact]
    public void AStageThatCannotStartIsAnErrorAndTheNextPlanStartsCold()
    {
        IEnv env = Envs.Make("cartpole-swingup", 1);
        IModelEnv model = env.Find<IModelEnv>()!;
        env.Reset(new double[env.ObservationSpace.FlatSize], 1);
        var x0 = new double[model.StateSize];
        model.GetState(x0);
        var dynamics = new NaNAfterLinearizations(model.Dynamics, healthy: 25);
        var config = new IlqrConfig { Horizon = 100, MaxIterations = 1, ColdStages = 3 };
        var planner = new Ilqr(dynamics, model.Cost, config);
        var error = Assert.ThrowsAny<PlanningException>(() => planner.Plan(x0));
        Assert.Contains("non-finite", error.Message);
        Assert.Equal([25], planner.Iterations.Select(i => i.Horizon).Distinct());

        dynamics.Healed = true;
        PlanResult retry = planner.Plan(x0);
        Assert.Equal([25, 50, 100], planner.Iterations.Select(i => i.Horizon).Distinct());
        Assert.True(double.IsFinite(retry.Cost));
        Assert.All(retry.Trajectory.States, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void AModelReturningNaNMakesIlqrRejectTheStepAndRaiseRegularization()
    {
        IModelEnv env = Envs.Make("pendulum").Find<IModelEnv>()!;
        var dynamics = new NaNAboveSpeed(env.Dynamics, limit: 2.0);
        var planner = new Ilqr(dynamics, env.Cost, new IlqrConfig { Horizon = 40, MaxIterations = 30, InitialRegularization = 1e-3 });
        PlanResult result = planner.Plan([Math.PI - 0.5, 0.0]);
        Assert.True(dynamics.NaNs > 0, "the test needs the line search to reach the NaN region");
        Assert.True(double.IsFinite(result.Cost));
        Assert.All(result.Trajectory.States, v => Assert.True(double.IsFinite(v)));
        Assert.All(result.Trajectory.Controls, v => Assert.True(double.IsFinite(v)));
        Assert.Contains(planner.Iterations.Zip(planner.Iterations.Skip(1)), p => !p.First.Accepted || p.Second.Regularization > p.First.Regularization);
    }

    [Fact]
    public void ColdStartsKeepTheCheapestSolutionAndWarmPlansUseOneStart()
    {
        IModelEnv env = Envs.Make("pendulum").Find<IModelEnv>()!;
        double[] x0 = [-0.03, -0.6];
        var single = new Ilqr(env.Dynamics, env.Cost, new IlqrConfig { Horizon = 40 });
        var multi = new Ilqr(env.Dynamics, env.Cost, new IlqrConfig { Horizon = 40, ColdStarts = 3 });
        PlanResult one = single.Plan(x0);
        PlanResult three = multi.Plan(x0);
        Assert.True(three.Cost <= one.Cost + 1e-9, $"three starts {three.Cost} vs one {one.Cost}");
        Assert.True(three.Iterations > multi.Iterations.Count, "the reported work counts every start");
        Assert.Equal(three.Cost, multi.Current.Cost);
        Assert.Equal(multi.Iterations[^1].Cost, three.Cost);
        PlanResult warm = multi.Plan(x0);
        Assert.Equal(multi.Iterations.Count, warm.Iterations);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ilqr(env.Dynamics, env.Cost, new IlqrConfig { ColdStarts = 0 }));
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        IModelEnv env = Envs.Make("pendulum").Find<IModelEnv>()!;
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ilqr(env.Dynamics, env.Cost, new IlqrConfig { Horizon = 0 }));
        IModelEnv other = Envs.Make("cartpole-swingup").Find<IModelEnv>()!;
        var mismatch = Assert.Throws<ArgumentException>(() => new Ilqr(env.Dynamics, other.Cost));
        Assert.Contains("n=2", mismatch.Message);
        var planner = new Ilqr(env.Dynamics, env.Cost);
        Assert.Throws<ArgumentException>(() => planner.Plan([1.0]));
        var nan = Assert.Throws<ArgumentException>(() => planner.Plan([double.NaN, 0]));
        Assert.Contains("finite", nan.Message);
        Assert.Throws<ArgumentException>(() => new Ilqr(new NaNAboveSpeed(env.Dynamics, 1), env.Cost, new IlqrConfig { SecondOrderDynamics = true }));
    }
}
