// NaN and infinity injected where they can arise (a dynamics model's step or Jacobian, a cost's derivatives, a
// learned network's weights, an env's reward) into iLQR, the sampling planners inside MPC and the model-based loop, a
// learner, and the control loop: each stops with an error naming the component, the iteration or time step and the
// quantity, or (the control loop) writes the watchdog's safe action and carries on.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Deploy.Loop;
using Control.Dynamics.Learned;
using Control.ModelBased;
using Control.Planning;
using Control.Planning.IterativeLqr;
using Control.Planning.Sampling;
using Control.Policies.Common;
using Control.Policies.OnPolicy;
using Control.Robots;
using Control.Robots.Wrappers;

namespace Control.Experiments.Tests;

public class FaultInjectionTests
{
    private static readonly double[] PendulumStart = [Math.PI - 0.5, 0.0];

    private static IModelEnv Pendulum() => Envs.Make("pendulum").Find<IModelEnv>()!;

    [Fact]
    public void IlqrNamesTheTimeStepAndTheStateEntryWhereTheInitialRolloutTurnsNaN()
    {
        IModelEnv env = Pendulum();
        // The pendulum falls from near the top under zero torque; the model returns NaN once the speed exceeds 1.
        var dynamics = new Faulty(env.Dynamics) { NaNAboveSpeed = 1.0 };
        var planner = new Ilqr(dynamics, env.Cost, new IlqrConfig { Horizon = 60, MaxIterations = 5 });
        var error = Assert.Throws<NonFinitePlanException>(() => planner.Plan(PendulumStart));

        // The step where the true model's speed first exceeds 1 under the controls iLQR started from (zeros).
        DynamicsWorkspace workspace = env.Dynamics.CreateWorkspace();
        double[] x = [.. PendulumStart], next = new double[2];
        int expected = 0;
        for (; expected < 60; expected++)
        {
            env.Dynamics.Step(workspace, x, [0.0], next);
            if (Math.Abs(next[1]) > 1.0) break;
            next.CopyTo(x, 0);
        }
        Assert.True(expected is > 0 and < 60, $"the test needs the fault inside the horizon, at step {expected}");
        Assert.Equal(("iLQR", 0, expected), (error.Planner, error.Iteration, error.TimeStep));
        Assert.Equal("state[0] after the dynamics step", error.Quantity);
        Assert.Contains($"time step {expected}", error.Message);
    }

    [Fact]
    public void IlqrNamesTheDerivativeThatIsNotFinite()
    {
        IModelEnv env = Pendulum();
        var dynamics = new Faulty(env.Dynamics) { NaNJacobianEntry = 1 };
        var error = Assert.Throws<NonFinitePlanException>(() => new Ilqr(dynamics, env.Cost, new IlqrConfig { Horizon = 20, MaxIterations = 5 }).Plan(PendulumStart));
        Assert.Equal((0, 0, "Fu[1]"), (error.Iteration, error.TimeStep, error.Quantity));

        var cost = new FaultyCost(env.Cost);
        error = Assert.Throws<NonFinitePlanException>(() => new Ilqr(env.Dynamics, cost, new IlqrConfig { Horizon = 20, MaxIterations = 5 }).Plan(PendulumStart));
        Assert.Equal((0, 0, "Luu[0]"), (error.Iteration, error.TimeStep, error.Quantity));
        Assert.True(double.IsPositiveInfinity(error.Value));
    }

    [Fact]
    public void MpcOnANaNModelInTheControlLoopWritesTheSafeActionAndKeepsTheError()
    {
        IEnv env = Envs.Make("pendulum", 1);
        IModelEnv model = env.Find<IModelEnv>()!;
        var dynamics = new Faulty(model.Dynamics) { NaNAboveSpeed = double.NegativeInfinity };
        var mpc = new MpcController(new Cem(dynamics, model.Cost, new CemConfig { Horizon = 10, Population = 20, Iterations = 2, Seed = 1 }));
        var io = new SimulatedRobotIO(env, seed: 1, Control.Core.Episodes.PolicyInput.State);
        var config = new ControlLoopConfig { RateHz = 50, Ticks = 5, OnFault = FaultResponse.ApplySafeAction, SafeAction = [0.25], MaxConsecutiveFaults = 10 };
        ControlLoopReport report = new ControlLoop(mpc, io, config, new SimulatedClock()).Run();
        Assert.Equal(5, report.Watchdog.PolicyExceptions);
        var error = Assert.IsType<NonFinitePlanException>(report.LastPolicyException);
        Assert.Equal(("CEM", 0, "state[0] after the dynamics step"), (error.Planner, error.TimeStep, error.Quantity));
    }

    [Fact]
    public void AnUnwatchedModelBasedLoopWhoseNetworkTurnsNaNStopsWithThePlannersError()
    {
        IEnv env = Envs.Make("pendulum", 2);
        IModelEnv truth = env.Find<IModelEnv>()!;
        var model = new MlpDynamics(2, 1, truth.Dynamics.ControlBounds, new MlpDynamicsConfig { Hidden = [16], Epochs = 2, Seed = 2 }, truth.Dynamics.TimeStep);
        var learner = new PoisonedLearner(new MlpMpcLearner(model, truth.Cost, (m, c) => new Cem(m, c, new CemConfig { Horizon = 10, Population = 20, Iterations = 2, Seed = 2 }),
            new SafeMpcConfig { SupportWeight = 0, Watch = false }), model);
        var loop = new ModelBasedLoop(env, learner, new ModelBasedConfig { TotalSteps = 60, RandomSteps = 20, StepsPerIteration = 20, Seed = 2 });
        var error = Assert.Throws<NonFinitePlanException>(() => loop.Run());
        Assert.Equal(("CEM", 0, 0), (error.Planner, error.Iteration, error.TimeStep));
        Assert.StartsWith("state[", error.Quantity);
    }

    [Fact]
    public void PpoStopsBeforeTheUpdateWhenARewardIsNaNAndNamesTheIterationAndTheTerm()
    {
        var vector = new VectorEnv(i => new NaNRewardAfter(Envs.Make("cartpole", 100 + i), steps: 200), 2);
        var ppo = new Ppo(vector, new PpoConfig { Envs = 2, StepsPerEnv = 128, Minibatches = 2, Epochs = 2 }, seed: 1);
        ppo.Iterate();
        float[] before = ppo.PolicyNetwork.Parameters().SelectMany(p => p.Span<float>().ToArray()).ToArray();
        var error = Assert.Throws<NonFiniteLossException>(() => ppo.Iterate());
        Assert.Equal(("ppo", 1, "surrogate objective"), (error.Algorithm, error.Iteration, error.Term));
        Assert.Equal(before, ppo.PolicyNetwork.Parameters().SelectMany(p => p.Span<float>().ToArray()).ToArray());
    }

    [Fact]
    public void PetsCemWhoseEnsembleTurnsNaNNamesTheIterationTheTimeStepAndTheState()
    {
        IModelEnv truth = Envs.Make("pendulum", 3).Find<IModelEnv>()!;
        var ensemble = new ProbabilisticEnsemble(2, 1, truth.Dynamics.ControlBounds,
            new ProbabilisticEnsembleConfig { Members = 2, Elites = 2, Hidden = [8], Epochs = 2, Seed = 3 }, truth.Dynamics.TimeStep);
        var data = new Control.Dynamics.Data.TransitionDataset(2, 1);
        var rng = new Rng(3);
        for (int i = 0; i < 40; i++) data.Add([rng.Normal(), rng.Normal()], [rng.Normal()], [rng.Normal(), rng.Normal()], 0, false);
        ensemble.Fit(data.States, data.Controls, data.NextStates, data.Count);
        var config = new PetsCemConfig { Horizon = 5, Population = 10, Elites = 2, Iterations = 2, Particles = 2, Seed = 3 };

        // A NaN upper log-variance bound (each member's first parameter): the sampled particles fail, the mean does not.
        for (int e = 0; e < ensemble.MemberCount; e++) ensemble.Member(e).Parameters().First().Span<float>()[0] = float.NaN;
        var sampled = Assert.Throws<PlanningException>(() => new PetsCem(ensemble, truth.Cost, config).Plan([0.5, 0.0]));
        Assert.Contains("variances", sampled.Message);

        // A NaN output bias of the mean of state 0 (the last parameter): the mean prediction fails at the first step.
        for (int e = 0; e < ensemble.MemberCount; e++) ensemble.Member(e).Parameters().Last().Span<float>()[0] = float.NaN;
        var error = Assert.Throws<NonFinitePlanException>(() => new PetsCem(ensemble, truth.Cost, config).Plan([0.5, 0.0]));
        Assert.Equal(("PETS-CEM", 0, 0, "state[0] after the dynamics step"), (error.Planner, error.Iteration, error.TimeStep, error.Quantity));
    }

    [Theory]
    [InlineData("a2c")]
    [InlineData("reinforce")]
    [InlineData("trpo")]
    [InlineData("npg")]
    public void OnPolicyLearnersStopBeforeTheUpdateWhenARewardIsNaNAndNameTheIteration(string algo)
    {
        var vector = new VectorEnv(i => new NaNRewardAfter(Envs.Make("cartpole", 100 + i), steps: 200), 2);
        (IAlgorithm learner, StochasticPolicy network, string term) = algo switch
        {
            "a2c" => Pair(new A2c(vector, new A2cConfig { Envs = 2, StepsPerEnv = 32 }, seed: 1), a => a.Network, "policy loss"),
            "reinforce" => Pair(new Reinforce(vector, new ReinforceConfig { Envs = 2, BatchSteps = 64 }, seed: 1), a => a.Network, "policy pseudo-loss"),
            "trpo" => Pair(new Trpo(vector, new TrpoConfig { Envs = 2, StepsPerEnv = 64, CriticEpochs = 1 }, seed: 1), a => a.PolicyNetwork, "surrogate objective"),
            _ => Pair(new Npg(vector, new NpgConfig { Envs = 2, StepsPerEnv = 64, CriticEpochs = 1 }, seed: 1), a => a.PolicyNetwork, "surrogate objective"),
        };
        for (int i = 0; i < 50; i++)
        {
            float[] before = network.Parameters().SelectMany(p => p.Span<float>().ToArray()).ToArray();
            try
            {
                learner.Iterate();
            }
            catch (NonFiniteLossException error)
            {
                Assert.Equal((algo, i, term), (error.Algorithm, error.Iteration, error.Term));
                Assert.True(i > 0, "the first iteration has no NaN reward yet");
                Assert.Equal(before, network.Parameters().SelectMany(p => p.Span<float>().ToArray()).ToArray());
                return;
            }
        }
        Assert.Fail($"{algo}: no NonFiniteLossException in 50 iterations with NaN rewards after 200 steps per env");
    }

    private static (IAlgorithm, StochasticPolicy, string) Pair<T>(T learner, Func<T, StochasticPolicy> network, string term) where T : IAlgorithm
        => (learner, network(learner), term);

    // A model that returns NaN states above a speed, or NaN in one entry of Fu.
    private sealed class Faulty(IDynamics inner) : IDynamics
    {
        public double NaNAboveSpeed { get; init; } = double.PositiveInfinity;
        public int NaNJacobianEntry { get; init; } = -1;
        public int StateSize => inner.StateSize;
        public int ControlSize => inner.ControlSize;
        public double TimeStep => inner.TimeStep;
        public Box ControlBounds => inner.ControlBounds;
        public DynamicsWorkspace CreateWorkspace() => inner.CreateWorkspace();

        public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
        {
            inner.Step(workspace, x, u, next);
            if (Math.Abs(next[1]) > NaNAboveSpeed) next.Fill(double.NaN);
        }

        public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next, Span<double> fx, Span<double> fu)
        {
            inner.Linearize(workspace, x, u, next, fx, fu);
            if (NaNJacobianEntry >= 0) fu[NaNJacobianEntry] = double.NaN;
        }
    }

    // A cost whose control Hessian is infinite.
    private sealed class FaultyCost(ICost inner) : ICost
    {
        public int StateSize => inner.StateSize;
        public int ControlSize => inner.ControlSize;
        public double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u) => inner.Stage(x, u);
        public double Terminal(ReadOnlySpan<double> x) => inner.Terminal(x);

        public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
        {
            inner.StageDerivatives(x, u, d);
            d.Luu[0] = double.PositiveInfinity;
        }

        public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d) => inner.TerminalDerivatives(x, d);
    }

    // The loop's learner, its network's first weight set to NaN after each fit.
    private sealed class PoisonedLearner(IModelLearner inner, MlpDynamics model) : IModelLearner
    {
        public IDynamics Model => inner.Model;

        public ModelFit Fit(Control.Dynamics.Data.TransitionDataset data)
        {
            ModelFit fit = inner.Fit(data);
            model.Network.Parameters().First().Span<float>()[0] = float.NaN;
            return fit;
        }

        public IPolicy Controller(Control.Dynamics.Data.TransitionDataset data) => inner.Controller(data);

        public void Save(Control.Policies.Common.Checkpoint checkpoint) => inner.Save(checkpoint);

        public void Restore(Control.Policies.Common.Checkpoint checkpoint) => inner.Restore(checkpoint);
    }

    // An env whose reward is NaN after a number of steps.
    private sealed class NaNRewardAfter(IEnv inner, int steps) : Wrapper(inner)
    {
        private int taken;

        public override StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
        {
            StepResult result = base.Step(action, observation);
            return ++taken > steps ? result with { Reward = double.NaN } : result;
        }
    }
}
