// The pieces of the model-based loop on small problems: PETS' trajectory-sampling CEM is deterministic for a seed
// and plans inside the bounds with either propagation, a BPTT policy learns through a model, and the multi-step
// error of an exact model is zero.
using Control.Dynamics;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;
using Control.Planning.ModelBased;
using Control.Robots;

namespace Control.Planning.Tests;

public class ModelBasedTests
{
    private static (IEnv Env, IModelEnv Truth, TransitionDataset Data) DoubleIntegratorData(int steps)
    {
        IEnv env = Envs.Make("double-integrator", 1);
        IModelEnv truth = env.Find<IModelEnv>()!;
        var data = new TransitionDataset(2, 1);
        TransitionCollector.Collect(env, null, steps, seed: 1, data);
        return (env, truth, data);
    }

    [Fact]
    public void PetsCemIsDeterministicAndStaysInTheBounds()
    {
        (_, IModelEnv truth, TransitionDataset data) = DoubleIntegratorData(600);
        var ensemble = new ProbabilisticEnsemble(2, 1, truth.Dynamics.ControlBounds,
            new ProbabilisticEnsembleConfig { Members = 3, Elites = 2, Hidden = [16, 16], Epochs = 20, Seed = 2 });
        ensemble.Fit(data.States, data.Controls, data.NextStates, data.Count);
        foreach (TrajectorySampling propagation in new[] { TrajectorySampling.TS1, TrajectorySampling.TSInfinity })
        {
            var config = new PetsCemConfig { Horizon = 10, Population = 30, Elites = 5, Iterations = 2, Particles = 4, Propagation = propagation, Seed = 7 };
            PlanResult a = new PetsCem(ensemble, truth.Cost, config).Plan([1.0, 0.0]);
            PlanResult b = new PetsCem(ensemble, truth.Cost, config).Plan([1.0, 0.0]);
            Assert.Equal(a.Trajectory.Controls, b.Trajectory.Controls);
            Assert.All(a.Trajectory.Controls, u => Assert.InRange(u, truth.Dynamics.ControlBounds.Low[0], truth.Dynamics.ControlBounds.High[0]));
            Assert.True(double.IsFinite(a.Cost));
            Assert.True(a.Trajectory.Controls[0] < 0, "from x = 1 at rest the first push is toward the origin");
        }
    }

    [Fact]
    public void ABpttPolicyLearnsThroughTheModel()
    {
        (IEnv env, IModelEnv truth, TransitionDataset data) = DoubleIntegratorData(400);
        var policy = new BpttPolicy(2, truth.Dynamics.ControlBounds, new BpttConfig { Horizon = 30, GradientSteps = 150, Seed = 3 });
        var model = new DifferentiableDynamics(truth.Dynamics);
        var cost = new DifferentiableCost(truth.Cost);
        double before = ModelBasedLoop.Evaluate(env, policy, 3, seed: 10);
        policy.Train(model, cost, data.States, data.Count);
        double after = ModelBasedLoop.Evaluate(env, policy, 3, seed: 10);
        Assert.True(after > before + 1, $"return {before} before training, {after} after");
    }

    [Fact]
    public void TheMultiStepErrorOfTheTrueModelIsZero()
    {
        (_, IModelEnv truth, TransitionDataset data) = DoubleIntegratorData(300);
        Assert.Equal(0.0, ModelBasedLoop.MultiStepError(truth.Dynamics, data, 0, 10), 12);
        var biased = new LinearDynamics([1, 0.1, 0, 1], [0.0, 0.1], 2, offset: [0.01, 0]);
        Assert.True(ModelBasedLoop.MultiStepError(biased, data, 0, 10) > 0);
    }
}
