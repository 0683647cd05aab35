// iLQR warm-started from a guide policy's rollout: on the linear-quadratic double integrator one iteration from any
// guide lands on finite-horizon LQR's first control (solved apart, in closed form); the label is a function of the state
// whatever was asked before, where warm-started MPC's answer depends on its history; before a guide is set the unguided
// expert answers; settings and guides that do not fit are refused.
using Control.Core;
using Control.Core.Envs;
using Control.Planning.IterativeLqr;
using Control.Planning.Lqr;
using Control.Robots;
using static Control.Core.Tests.Numerics.NaiveMatrix;

namespace Control.Planning.Tests.IterativeLqr;

public class PolicyWarmStartedIlqrTests
{
    private const int Horizon = 20;

    // The double integrator observes its state (p, v); a guide far from optimal: a constant push, and a weak feedback.
    private static Guide Push => new((_, u) => u[0] = 0.3);
    private static Guide Weak => new((x, u) => u[0] = -0.2 * x[0]);

    [Fact]
    public void FromAnyGuideTheActionIsFiniteHorizonLqrsFirstControlOnALinearQuadraticModel()
    {
        PolicyWarmStartedIlqr expert = Make(iterations: 50, out _, tight: true); // solved to convergence
        // Cost p^2 + 0.1 v^2 + 0.01 u^2, terminal 10 (p^2 + 0.1 v^2): LQR with Q = 2 diag(1, 0.1), R = 2 (0.01), Qf = 10 Q.
        const double dt = 0.1;
        LqrSolution lqr = FiniteHorizonLqr.Solve(new double[,] { { 1, dt }, { 0, 1 } }, new double[,] { { dt * dt / 2 }, { dt } },
            Diagonal(2, 0.2), Diagonal(0.02), Diagonal(20, 2), Horizon);
        double[] x = [0.1, -0.06];
        double expected = lqr.K(0)[0] * x[0] + lqr.K(0)[1] * x[1];
        Assert.InRange(Math.Abs(expected), 0.05, 0.99); // inside the force limit of 1: the box is not active
        var action = new double[1];
        foreach (Guide guide in new[] { Push, Weak })
        {
            expert.Guide = guide;
            expert.Act(x, action);
            Assert.Equal(expected, action[0], 1e-8);
            Assert.Equal(Horizon, guide.Calls); // the guide was rolled out over the horizon
        }
    }

    [Fact]
    public void TheGainOfAGuidedActionIsFiniteHorizonLqrsFirstGainAndAnUnguidedOneHasNoneWithoutAFeedbackExpert()
    {
        PolicyWarmStartedIlqr expert = Make(iterations: 50, out _, tight: true);
        const double dt = 0.1;
        LqrSolution lqr = FiniteHorizonLqr.Solve(new double[,] { { 1, dt }, { 0, 1 } }, new double[,] { { dt * dt / 2 }, { dt } },
            Diagonal(2, 0.2), Diagonal(0.02), Diagonal(20, 2), Horizon);
        var gain = new double[2];
        Assert.False(expert.LastGain(gain));
        expert.Act([0.1, -0.06], new double[1]); // no guide: the unguided expert (a plain policy) acted
        Assert.False(expert.LastGain(gain));
        expert.Guide = Push;
        expert.Act([0.1, -0.06], new double[1]);
        Assert.True(expert.LastGain(gain));
        Assert.Equal(lqr.K(0)[0], gain[0], 1e-6);
        Assert.Equal(lqr.K(0)[1], gain[1], 1e-6);
        expert.Reset();
        Assert.False(expert.LastGain(gain));
        Assert.Throws<ArgumentException>(() => expert.LastGain(new double[3]));

        // Unguided, an MPC expert's gain is passed on.
        IModelEnv model = Envs.Make("double-integrator").Find<IModelEnv>()!;
        var mpc = new MpcController(new Ilqr(model.Dynamics, model.Cost, new IlqrConfig { Horizon = Horizon }));
        PolicyWarmStartedIlqr withMpc = Make(iterations: 3, out _, mpc);
        withMpc.Act([0.1, -0.06], new double[1]);
        var mpcGain = new double[2];
        Assert.True(mpc.LastGain(mpcGain));
        Assert.True(withMpc.LastGain(gain));
        Assert.Equal(mpcGain, gain);
        Assert.Contains(gain, g => g != 0);
    }

    [Fact]
    public void TheGuidedActionIsAFunctionOfTheStateWhereWarmStartedMpcRemembers()
    {
        // One iteration only: far from converged, so a warm start would show through.
        PolicyWarmStartedIlqr expert = Make(iterations: 1, out IEnv env);
        expert.Guide = Push;
        double[] x = [0.5, 0.4];
        double[] fresh = Label(expert, [], x);
        double[] afterOthers = Label(expert, [[-0.6, 0.1], [0.2, -0.9], [0.9, 0.9]], x);
        Assert.Equal(fresh, afterOthers);

        IModelEnv model = env.Find<IModelEnv>()!;
        var mpc = new MpcController(new Ilqr(model.Dynamics, model.Cost, new IlqrConfig { Horizon = Horizon, MaxIterations = 1 }));
        Assert.True(Math.Abs(Label(mpc, [], x)[0] - Label(mpc, [[-0.6, 0.1], [0.2, -0.9], [0.9, 0.9]], x)[0]) > 1e-6);
    }

    [Fact]
    public void WithoutAGuideTheUnguidedExpertActs()
    {
        var unguided = new Guide((x, u) => u[0] = 0.123 + x[1]);
        PolicyWarmStartedIlqr expert = Make(iterations: 3, out _, unguided);
        var action = new double[1];
        expert.Act([0.5, 0.25], action);
        Assert.Equal(0.373, action[0], 1e-15);
        expert.Guide = Push;
        expert.Act([0.5, 0.25], action);
        Assert.True(Math.Abs(action[0] - 0.373) > 1e-6);
        expert.Guide = null;
        expert.Act([0.5, 0.25], action);
        Assert.Equal(0.373, action[0], 1e-15);
    }

    [Fact]
    public void SettingsAndGuidesThatDoNotFitAreRefused()
    {
        IModelEnv model = Envs.Make("double-integrator").Find<IModelEnv>()!;
        var config = new IlqrConfig { Horizon = Horizon, MaxIterations = 3 };
        var ex = Assert.Throws<ArgumentException>(() => new PolicyWarmStartedIlqr(model.Dynamics, model.Cost, config with { ColdStarts = 3 }, model, Push));
        Assert.Contains("expected one cold start and one stage", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new PolicyWarmStartedIlqr(model.Dynamics, model.Cost, config, Envs.Make("cartpole-swingup").Find<IModelEnv>()!, Push));
        Assert.Contains("expected an observer of states of 2 values, got one of 4", ex.Message);
        var expert = new PolicyWarmStartedIlqr(model.Dynamics, model.Cost, config, model, Push);
        ex = Assert.Throws<ArgumentException>(() => expert.Guide = new Guide((_, u) => u.Clear(), observations: 3));
        Assert.Contains("expected a guide from observations of 2 values to 1 controls, got one from 3 to 1", ex.Message);
    }

    private static PolicyWarmStartedIlqr Make(int iterations, out IEnv env, IPolicy? unguided = null, bool tight = false)
    {
        env = Envs.Make("double-integrator");
        IModelEnv model = env.Find<IModelEnv>()!;
        var config = new IlqrConfig { Horizon = Horizon, MaxIterations = iterations };
        if (tight) config = config with { CostTolerance = 1e-14, GradientTolerance = 1e-12 };
        return new PolicyWarmStartedIlqr(model.Dynamics, model.Cost, config, Envs.Make("double-integrator").Find<IModelEnv>()!, unguided ?? Weak);
    }

    // The label of `x` after the expert has labelled `before` in order (one episode).
    private static double[] Label(IPolicy expert, double[][] before, double[] x)
    {
        var action = new double[1];
        expert.Reset();
        foreach (double[] state in before) expert.Act(state, action);
        expert.Act(x, action);
        return action;
    }

    // A policy given by a function, counting its calls.
    private sealed class Guide(Guide.Body body, int observations = 2) : IPolicy
    {
        public delegate void Body(ReadOnlySpan<double> observation, Span<double> action);

        public int Calls { get; private set; }

        public int ObservationSize => observations;

        public int ActionSize => 1;

        public void Act(ReadOnlySpan<double> observation, Span<double> action)
        {
            Calls++;
            body(observation, action);
        }

        public void Reset() { }
    }
}
