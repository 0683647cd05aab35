// LqrPlanner: under MPC it brings the double integrator to rest at the origin; on that linear-quadratic problem
// one plan is exactly finite-horizon LQR on the closed-form matrices; a plan allocates nothing.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Planning.Lqr;
using Control.Robots;
using static Control.Core.Tests.Numerics.NaiveMatrix;

namespace Control.Planning.Tests.Lqr;

public class LqrPlannerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MpcStabilizesTheDoubleIntegratorAtItsGoal(long seed)
    {
        IEnv env = Envs.Make("double-integrator", seed);
        IModelEnv model = env.Find<IModelEnv>()!;
        var controller = new MpcController(new LqrPlanner(model.Dynamics, model.Cost, new LqrPlannerConfig { Horizon = 30 }));
        env.Reset(seed);
        // Start far enough out that the force limit of 1 is active for a while.
        double[] observation = [2.0, 1.0];
        model.SetState(observation);
        var action = new double[1];
        for (int t = 0; t < 100; t++)
        {
            controller.Act(observation, action);
            Assert.InRange(action[0], -1, 1);
            observation = env.Step(action).Observation;
        }
        Assert.True(Math.Abs(observation[0]) < 0.02 && Math.Abs(observation[1]) < 0.02, $"final state ({observation[0]}, {observation[1]})");
    }

    [Fact]
    public void OnTheLinearQuadraticProblemThePlanIsFiniteHorizonLqr()
    {
        IModelEnv model = Envs.Make("double-integrator").Find<IModelEnv>()!;
        const int horizon = 40;
        const double dt = 0.1;
        var planner = new LqrPlanner(model.Dynamics, model.Cost, new LqrPlannerConfig { Horizon = horizon });
        double[] x0 = [0.1, -0.05];
        PlanResult plan = planner.Plan(x0);

        // The cost p^2 + 0.1 v^2 + 0.01 u^2 with terminal 10 (p^2 + 0.1 v^2) is 1/2 x'Qx + 1/2 u'Ru with:
        LqrSolution lqr = FiniteHorizonLqr.Solve(new double[,] { { 1, dt }, { 0, 1 } }, new double[,] { { dt * dt / 2 }, { dt } },
            Diagonal(2, 0.2), Diagonal(0.02), Diagonal(20, 2), horizon);
        double[] x = (double[])x0.Clone();
        double cost = 0;
        var u = new double[1];
        for (int t = 0; t < horizon; t++)
        {
            lqr.Control(t, x, u);
            Assert.InRange(u[0], -1, 1);
            Assert.Equal(u[0], plan.Trajectory.Control(t)[0], 1e-10);
            Assert.Equal(lqr.K(t)[0], plan.Trajectory.Gain(t)[0], 1e-10);
            Assert.Equal(lqr.K(t)[1], plan.Trajectory.Gain(t)[1], 1e-10);
            Assert.Equal(x[0], plan.Trajectory.State(t)[0], 1e-12);
            Assert.Equal(x[1], plan.Trajectory.State(t)[1], 1e-12);
            cost += x[0] * x[0] + 0.1 * x[1] * x[1] + 0.01 * u[0] * u[0];
            x = [x[0] + dt * x[1] + dt * dt / 2 * u[0], x[1] + dt * u[0]];
        }
        cost += 10 * (x[0] * x[0] + 0.1 * x[1] * x[1]);
        Assert.Equal(cost, plan.Cost, 1e-10);
        Assert.Equal(lqr.Value(0, x0), plan.Cost, 1e-10);
        Assert.Equal(0, planner.LastRidge);
        Assert.True(plan.Converged);
    }

    [Fact]
    public void PlanningAllocatesNothingAndIsRepeatable()
    {
        IModelEnv model = Envs.Make("pendulum").Find<IModelEnv>()!;
        var planner = new LqrPlanner(model.Dynamics, model.Cost, new LqrPlannerConfig { Horizon = 20 });
        double[] x0 = [0.4, 0.1];
        double first = planner.Plan(x0).Cost;
        planner.Reset();
        long before = GC.GetAllocatedBytesForCurrentThread();
        double second = planner.Plan(x0).Cost;
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(first, second);
    }

    [Fact]
    public void ARidgeMakesAMissingOrIndefiniteControlCostSolvable()
    {
        IModelEnv model = Envs.Make("double-integrator").Find<IModelEnv>()!;

        // No control cost at all: Luu = 0 needs the ridge, and the plan still heads for the origin.
        var noControlCost = new LqrPlanner(model.Dynamics, new DiagonalCost(1, 0.1, control: 0), new LqrPlannerConfig { Horizon = 30 });
        PlanResult plan = noControlCost.Plan([0.2, 0]);
        Assert.True(noControlCost.LastRidge > 0);
        Assert.True(Math.Abs(plan.Trajectory.State(30)[0]) < 0.05);

        // A rewarded (negative-weight) control makes R + B'PB indefinite: the ridge grows until it is not, or the
        // planner gives up with a typed error when it may not grow. (A negative state weight is no longer a case:
        // the state Hessian is projected onto the PSD cone, see the next test.)
        var indefinite = new DiagonalCost(1, 0.1, control: -0.01);
        var growing = new LqrPlanner(model.Dynamics, indefinite, new LqrPlannerConfig { Horizon = 30 });
        Assert.True(double.IsFinite(growing.Plan([0.2, 0]).Cost));
        Assert.True(growing.LastRidge > 0);
        var capped = new LqrPlanner(model.Dynamics, indefinite, new LqrPlannerConfig { Horizon = 30, MaxRidgeIncreases = 0 });
        var error = Assert.Throws<LqrException>(() => capped.Plan([0.2, 0]));
        Assert.Equal(LqrFailure.ControlHessianNotPositiveDefinite, error.Failure);
    }

    [Fact]
    public void AnIndefiniteStateCostIsConvexifiedInsteadOfFailing()
    {
        // Acrobot's 1 + cos terms curve downward near the hanging state: the quadratized model would be unbounded.
        IModelEnv model = Envs.Make("acrobot-swingup").Find<IModelEnv>()!;
        var planner = new LqrPlanner(model.Dynamics, model.Cost, new LqrPlannerConfig { Horizon = 50 });
        PlanResult plan = planner.Plan([0.05, -0.02, 0, 0]);
        Assert.True(double.IsFinite(plan.Cost));
        Assert.All(plan.Trajectory.Controls, u => Assert.InRange(u, -4, 4));
    }

    [Fact]
    public void BadConfigurationsAndStatesAreRejected()
    {
        IModelEnv model = Envs.Make("double-integrator").Find<IModelEnv>()!;
        Assert.Throws<ArgumentOutOfRangeException>(() => new LqrPlanner(model.Dynamics, model.Cost, new LqrPlannerConfig { Horizon = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LqrPlanner(model.Dynamics, model.Cost, new LqrPlannerConfig { Ridge = -1 }));
        IModelEnv pendulum = Envs.Make("cartpole-swingup").Find<IModelEnv>()!;
        Assert.Throws<ArgumentException>(() => new LqrPlanner(model.Dynamics, pendulum.Cost));
        var planner = new LqrPlanner(model.Dynamics, model.Cost);
        Assert.Throws<ArgumentException>(() => planner.Plan([double.NaN, 0]));
        Assert.Throws<ArgumentException>(() => planner.Plan([0, 0, 0]));
    }

    // l = position p^2 + velocity v^2 + control u^2 (same state part as terminal cost), with exact derivatives.
    private sealed class DiagonalCost(double position, double velocity, double control) : ICost
    {
        public int StateSize => 2;
        public int ControlSize => 1;

        public double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u) => Terminal(x) + control * u[0] * u[0];

        public double Terminal(ReadOnlySpan<double> x) => position * x[0] * x[0] + velocity * x[1] * x[1];

        public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
        {
            TerminalDerivatives(x, d);
            d.L = Stage(x, u);
            d.Lu[0] = 2 * control * u[0];
            d.Luu[0] = 2 * control;
        }

        public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d)
        {
            d.L = Terminal(x);
            d.Lx[0] = 2 * position * x[0];
            d.Lx[1] = 2 * velocity * x[1];
            d.Lxx[0] = 2 * position;
            d.Lxx[1] = d.Lxx[2] = 0;
            d.Lxx[3] = 2 * velocity;
            d.Lu[0] = d.Luu[0] = d.Lux[0] = d.Lux[1] = 0;
        }
    }
}
