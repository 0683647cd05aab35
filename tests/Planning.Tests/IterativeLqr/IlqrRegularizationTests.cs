// A solve that gives up (mu past MaxRegularization, no descent found) must not leave the next warm plan unable to
// move: with a cost whose derivatives point the wrong way no step is ever accepted and mu runs away; once the cost is
// honest again the next warm plan must take steps (before the fix it rejected its first step and stopped at every
// replan, and MPC played the stale plan shifted: the cart-pole runaways of bench/RESULTS.md, "planning on a learned model").
using Control.Core.Models;
using Control.Dynamics;
using Control.Planning.IterativeLqr;

namespace Control.Planning.Tests.IterativeLqr;

public class IlqrRegularizationTests
{
    // The task cost, whose derivatives are negated while Lying (the line search then never finds the promised decrease).
    private sealed class LyingCost(ICost inner) : ICost
    {
        public bool Lying { get; set; } = true;
        public int StateSize => inner.StateSize;
        public int ControlSize => inner.ControlSize;
        public double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u) => inner.Stage(x, u);
        public double Terminal(ReadOnlySpan<double> x) => inner.Terminal(x);

        public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
        {
            inner.StageDerivatives(x, u, d);
            Lie(d);
        }

        public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d)
        {
            inner.TerminalDerivatives(x, d);
            Lie(d);
        }

        private void Lie(CostDerivatives d)
        {
            if (!Lying) return;
            for (int i = 0; i < d.Lx.Length; i++) d.Lx[i] = -d.Lx[i];
            for (int i = 0; i < d.Lu.Length; i++) d.Lu[i] = -d.Lu[i];
        }
    }

    [Fact]
    public void AWarmPlanAfterASolveThatGaveUpStartsFromTheInitialRegularization()
    {
        var dynamics = new LinearDynamics([1, 0.1, 0, 1], [0, 0.1], 2);
        var cost = new LyingCost(new QuadraticCost([1, 0, 0, 1], [0.1], [10, 0, 0, 10]));
        var planner = new Ilqr(dynamics, cost, new IlqrConfig { Horizon = 20, MaxIterations = 200, WarmMaxIterations = 3 });
        double[] x0 = [1, 0];
        planner.Plan(x0);
        Assert.DoesNotContain(planner.Iterations, i => i.Accepted);
        Assert.True(planner.Iterations[^1].Regularization > 1e9, $"the test needs mu to run away, got {planner.Iterations[^1].Regularization}");

        cost.Lying = false;
        planner.ShiftWarmStart(1);
        planner.Plan(x0);
        Assert.Contains(planner.Iterations, i => i.Accepted);
        Assert.True(planner.Iterations[0].Regularization <= new IlqrConfig().InitialRegularization, $"mu {planner.Iterations[0].Regularization}");
    }
}
