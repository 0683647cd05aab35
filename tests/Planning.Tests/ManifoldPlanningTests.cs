// Planning on a state manifold, on a rigid body's attitude (unit quaternion and body rates, n = 7, nt = 6): the
// state space's laws, the tangent finite differences against the closed-form Jacobians, the cost's tangent
// derivatives, iLQR re-orienting the body by 120 degrees, MPC, TrajectoryFeedbackPolicy and TrackingLqr closing the
// loop from a perturbed start, and the components that only handle Euclidean states refusing it.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics;
using Control.Planning.IterativeLqr;
using Control.Planning.Lqr;
using Control.Planning.Tabular;

namespace Control.Planning.Tests;

public class ManifoldPlanningTests
{
    private static readonly AttitudeStateSpace Space = new();

    // The goal: 30 degrees about z, at rest; the start: the goal turned 120 degrees about the oblique axis (1, 2, -1).
    private static readonly double[] Goal = Attitude([0, 0, 1], Math.PI / 6, [0, 0, 0]);
    private static readonly double[] Start = Turned(Goal, [1, 2, -1], 2 * Math.PI / 3);

    private static double[] Attitude(double[] axis, double angle, double[] rates)
    {
        double norm = Math.Sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        var x = new double[7];
        Quaternions.FromRotationVector([axis[0] / norm * angle, axis[1] / norm * angle, axis[2] / norm * angle], x);
        rates.CopyTo(x, 4);
        return x;
    }

    private static double[] Turned(double[] x, double[] axis, double angle)
    {
        double norm = Math.Sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        var result = new double[7];
        Space.Integrate(x, [axis[0] / norm * angle, axis[1] / norm * angle, axis[2] / norm * angle, 0, 0, 0], result);
        return result;
    }

    private static double[] RandomState(Rng rng)
    {
        var x = new double[7];
        for (int i = 0; i < 7; i++) x[i] = rng.Normal();
        Quaternions.Normalize(x.AsSpan(0, 4));
        return x;
    }

    // A tangent vector whose rotation has the given angle about a random axis, and random rate changes.
    private static double[] RandomTangent(Rng rng, double angle)
    {
        var dx = new double[6];
        for (int i = 0; i < 6; i++) dx[i] = rng.Normal();
        double norm = Math.Sqrt(dx[0] * dx[0] + dx[1] * dx[1] + dx[2] * dx[2]);
        for (int i = 0; i < 3; i++) dx[i] *= angle / norm;
        return dx;
    }

    private static double Norm(ReadOnlySpan<double> v)
    {
        double sum = 0;
        foreach (double value in v) sum += value * value;
        return Math.Sqrt(sum);
    }

    private static (double Angle, double Rate) ErrorTo(double[] target, ReadOnlySpan<double> x)
    {
        var e = new double[6];
        Space.Difference(target, x, e);
        return (Norm(e.AsSpan(0, 3)), Norm(e.AsSpan(3, 3)));
    }

    private static double TangentDistance(ReadOnlySpan<double> from, ReadOnlySpan<double> to)
    {
        var e = new double[6];
        Space.Difference(from, to, e);
        return Norm(e);
    }

    private static AttitudeCost GoalCost(double stageWeight = 0.01) =>
        new(Goal, [stageWeight, stageWeight, stageWeight, stageWeight, stageWeight, stageWeight], 0.01, [1000, 1000, 1000, 1000, 1000, 1000]);

    private static Ilqr ReorientationPlanner(RigidBodyAttitude model, int? warmIterations = null, double stageWeight = 0.01) =>
        new(model, GoalCost(stageWeight), new IlqrConfig { Horizon = 60, MaxIterations = 200, WarmMaxIterations = warmIterations });

    [Fact]
    public void DifferenceUndoesIntegrateOnRandomStatesUpToNearPiRotations()
    {
        var rng = new Rng(20);
        var moved = new double[7];
        var dx = new double[6];
        double[] angles = [0, 1e-9, 1e-4, 0.5, 2, 3, Math.PI - 1e-3, Math.PI - 1e-6];
        for (int sample = 0; sample < 400; sample++)
        {
            double[] x = RandomState(rng);
            double angle = sample < angles.Length * 20 ? angles[sample % angles.Length] : rng.Uniform(0, Math.PI - 1e-6);
            double[] step = RandomTangent(rng, angle);
            Space.Integrate(x, step, moved);
            Assert.Equal(1.0, Norm(moved.AsSpan(0, 4)), 14);
            Space.Difference(x, moved, dx);
            for (int i = 0; i < 6; i++) Assert.True(Math.Abs(dx[i] - step[i]) < 1e-12, $"sample {sample}, angle {angle}: dx[{i}] = {dx[i]}, expected {step[i]}");
        }
    }

    [Fact]
    public void IntegrateOfDifferenceReachesTheOtherStateIncludingNearPi()
    {
        var rng = new Rng(21);
        var dx = new double[6];
        var reached = new double[7];
        double[] relative = [Math.PI - 1e-7, Math.PI, Math.PI + 1e-7, Math.PI - 1e-3];
        for (int sample = 0; sample < 400; sample++)
        {
            double[] x0 = RandomState(rng);
            double[] x1 = RandomState(rng);
            if (sample < 100)
            {
                // x1 at nearly half a turn from x0 (just below, at, and just past pi).
                double[] turn = RandomTangent(rng, relative[sample % relative.Length]);
                Space.Integrate(x0, turn, x1);
                x1[4] = rng.Normal();
            }
            Space.Difference(x0, x1, dx);
            Assert.True(Norm(dx.AsSpan(0, 3)) <= Math.PI + 1e-12, $"sample {sample}: a rotation of {Norm(dx.AsSpan(0, 3))} rad; expected the shorter way (at most pi)");
            Space.Integrate(x0, dx, reached);
            // q and -q are the same attitude.
            double sign = Math.Sign(reached[0] * x1[0] + reached[1] * x1[1] + reached[2] * x1[2] + reached[3] * x1[3]);
            for (int i = 0; i < 7; i++)
            {
                double value = i < 4 ? sign * reached[i] : reached[i];
                Assert.True(Math.Abs(value - x1[i]) < 1e-12, $"sample {sample}: coordinate {i} is {value}, expected {x1[i]}");
            }
        }
    }

    [Fact]
    public void TangentFiniteDifferencesMatchTheClosedFormJacobians()
    {
        var model = new RigidBodyAttitude();
        var rng = new Rng(22);
        var fx = new double[36];
        var fu = new double[18];
        for (int sample = 0; sample < 30; sample++)
        {
            double[] x = RandomState(rng);
            double[] u = [rng.Normal(), rng.Normal(), rng.Normal()];
            if (sample == 0)
            {
                Array.Clear(x, 4, 3);
                Array.Clear(u);
            }
            FiniteDifferences.Linearize(model, x, u, fx, fu);
            (double[] fxExact, double[] fuExact) = model.AnalyticJacobians(x, u);
            for (int i = 0; i < 36; i++) Assert.True(Math.Abs(fx[i] - fxExact[i]) < 1e-7, $"sample {sample}: Fx[{i / 6}, {i % 6}] = {fx[i]}, closed form {fxExact[i]}");
            for (int i = 0; i < 18; i++) Assert.True(Math.Abs(fu[i] - fuExact[i]) < 1e-7, $"sample {sample}: Fu[{i / 3}, {i % 3}] = {fu[i]}, closed form {fuExact[i]}");
        }

        // At rest with no torque the closed form is that of a double integrator: Fx = [[I, dt I], [0, I]].
        (double[] atRest, _) = model.AnalyticJacobians(Goal, [0, 0, 0]);
        for (int i = 0; i < 6; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                double expected = i == j ? 1 : j == i + 3 ? model.TimeStep : 0;
                Assert.Equal(expected, atRest[i * 6 + j], 12);
            }
        }
    }

    [Fact]
    public void CostDerivativesAreTangentDerivatives()
    {
        AttitudeCost cost = GoalCost();
        var rng = new Rng(23);
        var d = new CostDerivatives(6, 3);
        var gradient = new double[6];
        var hessian = new double[36];
        double[] u = [0.3, -0.2, 0.1];
        for (int sample = 0; sample < 20; sample++)
        {
            var x = new double[7];
            Space.Integrate(Goal, RandomTangent(rng, rng.Uniform(0, 2.5)), x);
            cost.TerminalDerivatives(x, d);
            FiniteDifferences.TangentGradient(Space, z => cost.Terminal(z), x, gradient);
            for (int i = 0; i < 6; i++) Assert.True(Math.Abs(d.Lx[i] - gradient[i]) < 1e-5 * Math.Max(1, Math.Abs(gradient[i])), $"sample {sample}: Lx[{i}] = {d.Lx[i]}, finite differences {gradient[i]}");
            cost.StageDerivatives(x, u, d);
            FiniteDifferences.TangentGradient(Space, z => cost.Stage(z, u), x, gradient);
            for (int i = 0; i < 6; i++) Assert.True(Math.Abs(d.Lx[i] - gradient[i]) < 1e-7, $"sample {sample}: stage Lx[{i}] = {d.Lx[i]}, finite differences {gradient[i]}");
            Assert.Equal(0.01 * u[1], d.Lu[1], 15);
        }

        // At the goal the error is zero, so the Gauss-Newton Hessian is the Hessian.
        cost.TerminalDerivatives(Goal, d);
        FiniteDifferences.TangentHessian(Space, z => cost.Terminal(z), Goal, hessian);
        for (int i = 0; i < 36; i++) Assert.True(Math.Abs(d.Lxx[i] - hessian[i]) < 1e-3, $"Lxx[{i / 6}, {i % 6}] = {d.Lxx[i]}, finite differences {hessian[i]}");
    }

    [Fact]
    public void IlqrReorientsTheBodyByALargeRotationToRestAtTheGoal()
    {
        var model = new RigidBodyAttitude();
        Assert.True(ErrorTo(Goal, Start).Angle > 2.0);
        Ilqr planner = ReorientationPlanner(model);
        PlanResult result = planner.Plan(Start);
        Trajectory plan = result.Trajectory;

        (double angle, double rate) = ErrorTo(Goal, plan.State(plan.Horizon));
        Assert.True(angle < 1e-2, $"final attitude error {angle} rad; expected < 1e-2 (cost {result.Cost}, {result.Iterations} iterations)");
        Assert.True(rate < 1e-2, $"final rate {rate} rad/s; expected < 1e-2");
        Assert.Equal(6, plan.TangentSize);
        Assert.Equal(3 * 6 * plan.Horizon, plan.Gains!.Length);

        // The plan is a rollout of the model, on the sphere of unit quaternions.
        var ws = model.CreateWorkspace();
        var next = new double[7];
        for (int t = 0; t < plan.Horizon; t++)
        {
            model.Step(ws, plan.State(t), plan.Control(t), next);
            for (int i = 0; i < 7; i++) Assert.Equal(next[i], plan.State(t + 1)[i], 12);
        }
        for (int t = 0; t <= plan.Horizon; t++) Assert.True(Math.Abs(Norm(plan.State(t)[..4]) - 1) < 1e-12, $"|q_{t}| = {Norm(plan.State(t)[..4])}");
    }

    // Closed-loop run of a policy on the model from x0; the states visited.
    private static double[][] RunClosedLoop(IDynamics model, IPolicy policy, double[] x0, int steps)
    {
        var ws = model.CreateWorkspace();
        var states = new double[steps + 1][];
        states[0] = (double[])x0.Clone();
        var u = new double[model.ControlSize];
        for (int t = 0; t < steps; t++)
        {
            policy.Act(states[t], u);
            states[t + 1] = new double[model.StateSize];
            model.Step(ws, states[t], u, states[t + 1]);
        }
        return states;
    }

    // The start turned a further 0.25 rad about another axis, and spinning.
    private static double[] PerturbedStart()
    {
        double[] x = Turned(Start, [0.3, -1, 0.5], 0.25);
        x[4] += 0.1;
        x[6] -= 0.1;
        return x;
    }

    [Fact]
    public void MpcWithIlqrAndFeedbackBringsAPerturbedStartToTheGoal()
    {
        var model = new RigidBodyAttitude();
        // Stage weights of 1 on the error, since the receding horizon keeps moving the terminal cost ahead.
        var mpc = new MpcController(ReorientationPlanner(model, warmIterations: 20, stageWeight: 1), new MpcConfig { ReplanEvery = 5 });
        double[][] states = RunClosedLoop(model, mpc, PerturbedStart(), 160);
        (double angle, double rate) = ErrorTo(Goal, states[^1]);
        Assert.True(angle < 1e-2, $"closed-loop attitude error after 160 steps {angle} rad; expected < 1e-2");
        Assert.True(rate < 1e-2, $"closed-loop rate after 160 steps {rate} rad/s; expected < 1e-2");
        Assert.Contains(mpc.ReplanIterations, iterations => iterations > 0);
        foreach (double[] x in states) Assert.True(Math.Abs(Norm(x.AsSpan(0, 4)) - 1) < 1e-12);
    }

    [Fact]
    public void FeedbackPolicyOfTheIlqrPlanHoldsAPerturbedStartOnThePlan()
    {
        var model = new RigidBodyAttitude();
        Trajectory plan = ReorientationPlanner(model).Plan(Start).Trajectory;
        double[] start = PerturbedStart();
        var policy = new TrajectoryFeedbackPolicy(plan, model.ControlBounds);
        double[][] closed = RunClosedLoop(model, policy, start, plan.Horizon);
        double[][] open = RunClosedLoop(model, new ReplayPolicy(plan), start, plan.Horizon);

        double initial = TangentDistance(plan.State(0), start);
        double closedEnd = TangentDistance(plan.State(plan.Horizon), closed[^1]);
        double openEnd = TangentDistance(plan.State(plan.Horizon), open[^1]);
        Assert.True(closedEnd < 0.1 * initial, $"feedback: deviation {initial} at the start, {closedEnd} at the end; expected it to shrink tenfold");
        Assert.True(closedEnd < 0.1 * openEnd, $"feedback ends {closedEnd} from the plan, open loop {openEnd}");
        Assert.True(ErrorTo(Goal, closed[^1]).Angle < 0.05);
    }

    [Fact]
    public void TrackingLqrAlongAnIlqrTrajectoryShrinksTheDeviation()
    {
        var model = new RigidBodyAttitude();
        Trajectory plan = ReorientationPlanner(model).Plan(Start).Trajectory;
        var q = new double[6, 6];
        var qf = new double[6, 6];
        for (int i = 0; i < 6; i++)
        {
            q[i, i] = 1;
            qf[i, i] = 100;
        }
        var tracker = new TrackingLqr(model, plan.Horizon, q, new double[,] { { 0.1, 0, 0 }, { 0, 0.1, 0 }, { 0, 0, 0.1 } }, qf);
        double[] start = PerturbedStart();
        Trajectory tracked = tracker.Track(plan, start);
        Assert.Equal(6, tracked.TangentSize);

        double initial = TangentDistance(plan.State(0), start);
        double[] deviations = new double[plan.Horizon + 1];
        for (int t = 0; t <= plan.Horizon; t++) deviations[t] = TangentDistance(plan.State(t), tracked.State(t));
        double[][] open = RunClosedLoop(model, new ReplayPolicy(plan), start, plan.Horizon);
        double openEnd = TangentDistance(plan.State(plan.Horizon), open[^1]);
        Assert.True(deviations[^1] < 0.1 * initial, $"tracking: deviation {initial} at the start, {deviations[^1]} at the end; expected it to shrink tenfold");
        Assert.True(deviations[^1] < 0.1 * openEnd, $"tracking ends {deviations[^1]} from the plan, open loop {openEnd}");
        Assert.True(deviations[plan.Horizon / 2] < initial, $"tracking: deviation {deviations[plan.Horizon / 2]} half way, {initial} at the start");

        // The tracked trajectory's gains, followed by the feedback policy, reproduce its rollout.
        double[][] followed = RunClosedLoop(model, new TrajectoryFeedbackPolicy(tracked, model.ControlBounds), start, plan.Horizon);
        Assert.True(TangentDistance(tracked.State(plan.Horizon), followed[^1]) < 1e-9);
    }

    [Fact]
    public void ComponentsForEuclideanStatesRefuseTheQuaternionModel()
    {
        var model = new RigidBodyAttitude();
        AttitudeCost cost = GoalCost();
        var ddp = Assert.Throws<UnsupportedStateSpaceException>(() => new Ilqr(new SecondOrderAttitude(model), cost, new IlqrConfig { SecondOrderDynamics = true }));
        Assert.Contains("SecondOrderAttitude", ddp.Message);
        Assert.Contains("SecondOrderDynamics = false", ddp.Message);
        Assert.Throws<UnsupportedStateSpaceException>(() => new LqrPlanner(model, cost));
        var bridge = Assert.Throws<UnsupportedStateSpaceException>(() => new DifferentiableDynamics(model));
        Assert.Contains("RigidBodyAttitude", bridge.Message);
        Assert.Throws<UnsupportedStateSpaceException>(() => new DifferentiableCost(cost));
        Assert.Throws<UnsupportedStateSpaceException>(() => new GradientShooting(model, cost, 10));
        GridAxis[] axes = [.. Enumerable.Range(0, 7).Select(_ => new GridAxis(-1, 1, 2))];
        var grid = Assert.Throws<UnsupportedStateSpaceException>(() => new GridDiscretization(model, cost, axes, [new double[3]]));
        Assert.Contains("Grid discretization", grid.Message);

        // A cost in coordinates (Euclidean R^7) does not match the dynamics' manifold.
        var euclidean = new QuadraticCost(new double[49], [1, 0, 0, 0, 1, 0, 0, 0, 1], new double[49]);
        var mismatch = Assert.Throws<ArgumentException>(() => new Ilqr(model, euclidean));
        Assert.Contains("tangent 6", mismatch.Message);
        Assert.Contains("tangent 7", mismatch.Message);
    }

    // Replays a plan's controls, ignoring the state.
    private sealed class ReplayPolicy(Trajectory plan) : IPolicy
    {
        private int t;

        public int ObservationSize => plan.StateSize;

        public int ActionSize => plan.ControlSize;

        public void Act(ReadOnlySpan<double> observation, Span<double> action) => plan.Control(Math.Min(t++, plan.Horizon - 1)).CopyTo(action);

        public void Reset() => t = 0;
    }

    // The attitude model posing as second-order dynamics, to see DDP refuse it.
    private sealed class SecondOrderAttitude(RigidBodyAttitude inner) : ISecondOrderDynamics
    {
        public int StateSize => inner.StateSize;

        public int ControlSize => inner.ControlSize;

        public IStateSpace StateSpace => inner.StateSpace;

        public double TimeStep => inner.TimeStep;

        public Box ControlBounds => inner.ControlBounds;

        public DynamicsWorkspace CreateWorkspace() => inner.CreateWorkspace();

        public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next) => inner.Step(workspace, x, u, next);

        public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next, Span<double> fx, Span<double> fu)
            => inner.Linearize(workspace, x, u, next, fx, fu);

        public void AddWeightedHessians(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
            ReadOnlySpan<double> weights, Span<double> hxx, Span<double> huu, Span<double> hux)
            => throw new NotSupportedException("the attitude model has no second derivatives");
    }
}
