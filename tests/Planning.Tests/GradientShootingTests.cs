// Gradient shooting against the finite-horizon optimum of the double integrator (computed here by least squares:
// the states are affine in the controls), projection onto binding bounds, MPC on the pendulum, warm starts,
// determinism, and the handling of bad input and of models that return NaN.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics;
using Control.Dynamics.Analytic;
using Control.Robots;
using Control.Robots.Analytic;
using Control.Tensors;

namespace Control.Planning.Tests;

public class GradientShootingTests
{
    private const double Dt = 0.1;

    private static IDynamics DoubleIntegrator(double maxForce)
        => new AnalyticDynamics<DoubleIntegratorEquations>(new DoubleIntegratorEquations { TimeStep = Dt, MaxForce = maxForce });

    private static ICost DoubleIntegratorCost() => new AnalyticCost<DoubleIntegratorCost>(new DoubleIntegratorCost());

    /// <summary>
    /// The unconstrained minimizer of the double integrator's plan cost. With A = [[1, dt], [0, 1]] and
    /// B = [dt^2 / 2, dt], x_t = A^t x0 + sum_k&lt;t A^(t-1-k) B u_k = c_t + G_t U, so the cost
    /// sum_t (x_t' Q_t x_t) + r |U|^2 is quadratic in U: solve (sum G_t' Q_t G_t + r I) U = -sum G_t' Q_t c_t.
    /// </summary>
    private static (double[] U, double Cost) LeastSquaresOptimum(double[] x0, int horizon)
    {
        var weights = new DoubleIntegratorCost();
        double[,] a = { { 1, Dt }, { 0, 1 } };
        double[] b = [Dt * Dt / 2, Dt];
        var c = new double[horizon + 1, 2];
        var g = new double[horizon + 1, 2, horizon];
        c[0, 0] = x0[0];
        c[0, 1] = x0[1];
        for (int t = 0; t < horizon; t++)
        {
            for (int i = 0; i < 2; i++)
            {
                c[t + 1, i] = a[i, 0] * c[t, 0] + a[i, 1] * c[t, 1];
                for (int k = 0; k < t; k++) g[t + 1, i, k] = a[i, 0] * g[t, 0, k] + a[i, 1] * g[t, 1, k];
                g[t + 1, i, t] = b[i];
            }
        }
        var hessian = new double[horizon, horizon];
        var rhs = new double[horizon];
        for (int t = 0; t <= horizon; t++)
        {
            double scale = t == horizon ? weights.TerminalScale : 1.0;
            double[] q = [scale, scale * weights.VelocityWeight];
            for (int j = 0; j < horizon; j++)
            {
                for (int i = 0; i < 2; i++) rhs[j] -= g[t, i, j] * q[i] * c[t, i];
                for (int k = 0; k < horizon; k++)
                {
                    for (int i = 0; i < 2; i++) hessian[j, k] += g[t, i, j] * q[i] * g[t, i, k];
                }
            }
        }
        for (int j = 0; j < horizon; j++) hessian[j, j] += weights.ControlWeight;
        double[] u = SolveSymmetric(hessian, rhs);
        IDynamics model = DoubleIntegrator(1e6);
        return (u, RolloutCost(model, DoubleIntegratorCost(), x0, u));
    }

    // Cholesky solve of a symmetric positive definite system.
    private static double[] SolveSymmetric(double[,] a, double[] b)
    {
        int n = b.Length;
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i, j];
                for (int k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                l[i, j] = i == j ? Math.Sqrt(sum) : sum / l[j, j];
            }
        }
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= l[i, k] * y[k];
            y[i] = sum / l[i, i];
        }
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) sum -= l[k, i] * x[k];
            x[i] = sum / l[i, i];
        }
        return x;
    }

    private static double RolloutCost(IDynamics f, ICost cost, ReadOnlySpan<double> x0, ReadOnlySpan<double> u)
    {
        int n = f.StateSize, m = f.ControlSize;
        DynamicsWorkspace ws = f.CreateWorkspace();
        double[] x = x0.ToArray(), next = new double[n];
        double total = 0;
        for (int t = 0; t < u.Length / m; t++)
        {
            total += cost.Stage(x, u.Slice(t * m, m));
            f.Step(ws, x, u.Slice(t * m, m), next);
            (x, next) = (next, x);
        }
        return total + cost.Terminal(x);
    }

    [Fact]
    public void DoubleIntegratorPlanReachesTheLeastSquaresOptimum()
    {
        const int horizon = 30;
        double[] x0 = [1.0, -0.5];
        (double[] optimalU, double optimalCost) = LeastSquaresOptimum(x0, horizon);
        Assert.True(optimalU.Max(Math.Abs) > 0.5, "the test problem should need real effort");

        var planner = new GradientShooting(DoubleIntegrator(100), DoubleIntegratorCost(), horizon,
            new GradientShootingConfig { Iterations = 500, LearningRate = 0.05, Tolerance = 0 });
        PlanResult result = planner.Plan(x0);

        Assert.True(result.Cost <= optimalCost * 1.01, $"plan cost {result.Cost:G6}, optimum {optimalCost:G6}");
        Assert.True(result.Cost >= optimalCost * (1 - 1e-9), $"plan cost {result.Cost:G6} is below the optimum {optimalCost:G6}");
        Assert.Equal(RolloutCost(planner.Dynamics, planner.Cost, x0, result.Trajectory.Controls), result.Cost, 12);
        Assert.Equal(x0, result.Trajectory.State(0).ToArray());
    }

    /// <summary>Records the largest |u| the planner asks the model about.</summary>
    private sealed class RecordingDynamics(IDynamics inner) : IDynamics
    {
        public double LargestControl { get; private set; }
        public int StateSize => inner.StateSize;
        public int ControlSize => inner.ControlSize;
        public double TimeStep => inner.TimeStep;
        public Box ControlBounds => inner.ControlBounds;
        public DynamicsWorkspace CreateWorkspace() => inner.CreateWorkspace();

        public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
        {
            Record(u);
            inner.Step(workspace, x, u, next);
        }

        public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next, Span<double> fx, Span<double> fu)
        {
            Record(u);
            inner.Linearize(workspace, x, u, next, fx, fu);
        }

        private void Record(ReadOnlySpan<double> u)
        {
            foreach (double v in u) LargestControl = Math.Max(LargestControl, Math.Abs(v));
        }
    }

    /// <summary>The double integrator written as a tensor graph, x' = x A' + u B' (the way a learned model runs).</summary>
    private sealed class TensorDoubleIntegrator : IDifferentiableDynamics
    {
        private readonly Tensor transitionT = Tensor.FromArray(new[] { 1.0, 0.0, Dt, 1.0 }, 2, 2);
        private readonly Tensor inputT = Tensor.FromArray(new[] { Dt * Dt / 2, Dt }, 1, 2);

        public int StateSize => 2;
        public int ControlSize => 1;
        public Tensor Step(Tensor x, Tensor u) => Tensor.MatMul(x, transitionT) + Tensor.MatMul(u, inputT);
    }

    [Fact]
    public void TensorGraphModelPlansLikeTheBridge()
    {
        double[] x0 = [1.0, -0.5];
        var config = new GradientShootingConfig { Iterations = 100 };
        PlanResult bridged = new GradientShooting(DoubleIntegrator(100), DoubleIntegratorCost(), 25, config).Plan(x0);
        PlanResult graph = new GradientShooting(DoubleIntegrator(100), new TensorDoubleIntegrator(), DoubleIntegratorCost(), 25, config).Plan(x0);
        Assert.Equal(bridged.Iterations, graph.Iterations);
        for (int k = 0; k < 25; k++) Assert.Equal(bridged.Trajectory.Controls[k], graph.Trajectory.Controls[k], 9);
        Assert.Equal(bridged.Cost, graph.Cost, 9);
    }

    [Fact]
    public void BindingBoundsAreNeverLeft()
    {
        const int horizon = 30;
        double[] x0 = [3.0, 1.0];
        (double[] unconstrainedU, _) = LeastSquaresOptimum(x0, horizon);
        Assert.True(unconstrainedU.Max(Math.Abs) > 2, "the bounds should bind");

        var model = new RecordingDynamics(DoubleIntegrator(1.0));
        var planner = new GradientShooting(model, DoubleIntegratorCost(), horizon,
            new GradientShootingConfig { Iterations = 300, LearningRate = 0.05 });
        PlanResult result = planner.Plan(x0);

        Assert.True(model.LargestControl <= 1.0, $"the model was asked about |u| = {model.LargestControl}");
        Assert.All(result.Trajectory.Controls, u => Assert.InRange(u, -1.0, 1.0));
        Assert.Contains(result.Trajectory.Controls, u => Math.Abs(u) == 1.0);
        double[] clipped = unconstrainedU.Select(u => Math.Clamp(u, -1.0, 1.0)).ToArray();
        double clippedCost = RolloutCost(model, planner.Cost, x0, clipped);
        Assert.True(result.Cost < clippedCost, $"plan cost {result.Cost:G6} should beat the clipped unconstrained optimum {clippedCost:G6}");
    }

    [Fact]
    public void PendulumMpcSwingsUpAndBeatsZeroControls()
    {
        IModelEnv env = Envs.Make("pendulum").Find<IModelEnv>()!;
        var planner = new GradientShooting(env.Dynamics, env.Cost, 20, new GradientShootingConfig { Iterations = 50, LearningRate = 0.1 });
        var mpc = new MpcController(planner);
        double[] start = [Math.PI - 0.1, 0.0];
        const int steps = 150;

        (double Cost, double FinalAngle) Run(IPolicy? policy)
        {
            DynamicsWorkspace ws = env.Dynamics.CreateWorkspace();
            double[] x = (double[])start.Clone(), next = new double[2], u = new double[1];
            double total = 0;
            for (int t = 0; t < steps; t++)
            {
                if (policy is null) u[0] = 0;
                else policy.Act(x, u);
                total += env.Cost.Stage(x, u);
                env.Dynamics.Step(ws, x, u, next);
                (x, next) = (next, x);
            }
            return (total, Math.IEEERemainder(x[0], 2 * Math.PI));
        }

        (double idle, _) = Run(null);
        (double controlled, double angle) = Run(mpc);
        Assert.True(controlled < 0.5 * idle, $"MPC cost {controlled:G6}, zero controls {idle:G6}");
        Assert.True(Math.Abs(angle) < 0.1, $"the pendulum should end upright, its angle is {angle:G4} rad");
    }

    [Fact]
    public void WarmStartShiftsAndSamePlannerGivesSameResult()
    {
        double[] x0 = [1.0, 0.0];
        GradientShooting Make() => new(DoubleIntegrator(1.0), DoubleIntegratorCost(), 20, new GradientShootingConfig { Iterations = 40 });
        GradientShooting a = Make(), b = Make();
        PlanResult ra = a.Plan(x0), rb = b.Plan(x0);
        Assert.Equal(ra.Trajectory.Controls, rb.Trajectory.Controls);
        Assert.Equal(ra.Cost, rb.Cost);

        double[] before = (double[])a.Current.Controls.Clone();
        a.ShiftWarmStart(1);
        Assert.Equal(before[1..], a.Current.Controls[..^1]);
        Assert.Equal(before[^1], a.Current.Controls[^1]);

        a.Reset();
        Assert.All(a.Current.Controls, u => Assert.Equal(0.0, u));
        Assert.Equal(ra.Trajectory.Controls, a.Plan(x0).Trajectory.Controls);
    }

    [Fact]
    public void EarlyStopReportsConvergence()
    {
        var planner = new GradientShooting(DoubleIntegrator(1.0), DoubleIntegratorCost(), 20,
            new GradientShootingConfig { Iterations = 2000, Tolerance = 1e-4, Patience = 10, LearningRate = 0.02 });
        PlanResult result = planner.Plan([1.0, 0.0]);
        Assert.True(result.Converged);
        Assert.InRange(result.Iterations, 11, 1999);
    }

    [Fact]
    public void BadInputIsATypedError()
    {
        IDynamics f = DoubleIntegrator(1.0);
        ICost cost = DoubleIntegratorCost();
        var planner = new GradientShooting(f, cost, 10);
        Assert.Throws<ArgumentException>(() => planner.Plan([1.0]));
        Assert.Throws<ArgumentException>(() => planner.Plan([1.0, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientShooting(f, cost, 0));
        IModelEnv cartpole = Envs.Make("cartpole-swingup").Find<IModelEnv>()!;
        Assert.Throws<ArgumentException>(() => new GradientShooting(f, cartpole.Cost, 10));
        Assert.Throws<ArgumentException>(() => new GradientShooting(f, new DifferentiableDynamics(cartpole.Dynamics), cost, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientShooting(f, cost, 10, new GradientShootingConfig { LearningRate = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientShooting(f, cost, 10, new GradientShootingConfig { Beta1 = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientShooting(f, cost, 10, new GradientShootingConfig { Iterations = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientShooting(f, cost, 10, new GradientShootingConfig { MaxGradientNorm = double.NaN }));
    }

    /// <summary>A model that returns NaN states for controls above a threshold, or everywhere, or NaN Jacobians.</summary>
    private sealed class NaNDynamics(IDynamics inner, double threshold, bool nanJacobian = false) : IDynamics
    {
        public int StateSize => inner.StateSize;
        public int ControlSize => inner.ControlSize;
        public double TimeStep => inner.TimeStep;
        public Box ControlBounds => inner.ControlBounds;
        public DynamicsWorkspace CreateWorkspace() => inner.CreateWorkspace();

        public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
        {
            inner.Step(workspace, x, u, next);
            if (u[0] > threshold) next.Fill(double.NaN);
        }

        public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next, Span<double> fx, Span<double> fu)
        {
            inner.Linearize(workspace, x, u, next, fx, fu);
            if (u[0] > threshold) next.Fill(double.NaN);
            if (nanJacobian) fu.Fill(double.NaN);
        }
    }

    [Fact]
    public void NaNFromTheModelRejectsTheIterateAndKeepsTheBest()
    {
        // Pushing the mass from x = -2 back to the origin needs u > 0, and the model breaks above u = 0.3.
        var model = new NaNDynamics(DoubleIntegrator(1.0), threshold: 0.3);
        var planner = new GradientShooting(model, DoubleIntegratorCost(), 20,
            new GradientShootingConfig { Iterations = 60, LearningRate = 0.1 });
        PlanResult result = planner.Plan([-2.0, 0.0]);

        Assert.True(planner.RejectedIterations > 0);
        Assert.True(double.IsFinite(result.Cost));
        Assert.All(result.Trajectory.States, x => Assert.True(double.IsFinite(x)));
        Assert.All(result.Trajectory.Controls, u => Assert.InRange(u, -1.0, 0.3));
        double zeroCost = RolloutCost(model, planner.Cost, [-2.0, 0.0], new double[20]);
        Assert.True(result.Cost < zeroCost, $"plan cost {result.Cost:G6}, zero controls {zeroCost:G6}");
    }

    [Fact]
    public void ModelThatIsNaNEverywhereIsATypedError()
    {
        var planner = new GradientShooting(new NaNDynamics(DoubleIntegrator(1.0), threshold: double.NegativeInfinity), DoubleIntegratorCost(), 10);
        Assert.Throws<PlanningException>(() => planner.Plan([1.0, 0.0]));
    }

    [Fact]
    public void NaNGradientAtTheBestSequenceStopsWithAFiniteResult()
    {
        var planner = new GradientShooting(new NaNDynamics(DoubleIntegrator(1.0), threshold: double.PositiveInfinity, nanJacobian: true), DoubleIntegratorCost(), 10);
        PlanResult result = planner.Plan([1.0, 0.0]);
        Assert.Equal(1, result.Iterations);
        Assert.Equal(1, planner.RejectedIterations);
        Assert.All(result.Trajectory.Controls, u => Assert.Equal(0.0, u));
        Assert.True(double.IsFinite(result.Cost));
    }
}
