// Behaviour cloning from a logged dataset through the offline registry: a linear expert's pendulum torques are
// recovered from its own rows; the run is one fit, and a second iteration is refused; the checkpoint restores without
// the data into a policy that acts as the fitted one, and is refused on other rows or other spaces.
using Control.Core;
using Control.Core.Envs;
using Control.Dynamics.Data;
using Control.Policies.Common;
using Control.Policies.Imitation;
using Control.Policies.Offline;
using Control.Policies.Registry;
using Control.Robots;

namespace Control.Policies.Tests.Offline;

public class OfflineBehaviourCloningTests
{
    private static readonly IEnv Pendulum = Envs.Make("pendulum");

    // u = 0.4 cos(theta) - 0.8 sin(theta) - 0.15 theta_dot: inside the [-2, 2] torque bounds for |theta_dot| <= 4.
    private static double Expert(ReadOnlySpan<double> o) => 0.4 * o[0] - 0.8 * o[1] - 0.15 * o[2];

    private static TransitionDataset ExpertRows(int count, long seed)
    {
        var rng = new Rng(seed);
        var rows = new TransitionDataset(3, 1);
        for (int i = 0; i < count; i++)
        {
            double theta = Math.PI * (2 * rng.NextDouble() - 1), speed = 4 * (2 * rng.NextDouble() - 1);
            double[] o = [Math.Cos(theta), Math.Sin(theta), speed];
            rows.Add(o, [Expert(o)], o, -1, false);
        }
        return rows;
    }

    private static readonly BehaviourCloningConfig Affine = new()
    {
        Network = new NetworkConfig { Hidden = [] }, LearningRate = 1e-2, Epochs = 300, Patience = 300,
    };

    private static OfflineDataset Data(TransitionDataset rows) => OfflineDataset.From(rows, "pendulum", Pendulum.ObservationSpace, Pendulum.ActionSpace);

    [Fact]
    public void ALinearExpertIsRecoveredFromItsRowsInOneFitThatRestoresWithoutTheData()
    {
        var bc = new OfflineBehaviourCloning(Data(ExpertRows(1000, 1)), Affine, seed: 2, evaluate: _ => 7.0);
        IReadOnlyDictionary<string, double> metrics = bc.Iterate();
        Assert.Equal(1, bc.Iterations);
        Assert.Equal(7.0, metrics["eval/return"]);
        Assert.True(metrics["train/holdout_loss"] < 1e-8, $"holdout loss {metrics["train/holdout_loss"]}");
        Assert.Contains("it is done; expected 1 iteration", Assert.Throws<InvalidOperationException>(() => bc.Iterate()).Message);

        var rng = new Rng(3);
        var action = new double[1];
        IPolicy policy = bc.Policy(deterministic: true);
        double worst = 0;
        for (int r = 0; r < 200; r++)
        {
            double theta = Math.PI * (2 * rng.NextDouble() - 1);
            double[] o = [Math.Cos(theta), Math.Sin(theta), 4 * (2 * rng.NextDouble() - 1)];
            policy.Act(o, action);
            worst = Math.Max(worst, Math.Abs(action[0] - Expert(o)));
        }
        Assert.True(worst < 1e-3, $"largest torque error {worst}");

        // The checkpoint, as `control train` writes it, restores without the data (to evaluate and export) and acts the same.
        var checkpoint = new Checkpoint();
        checkpoint.PutJson(RunDescription.Section, new RunDescription(BehaviourCloning.Name, "pendulum", 2, System.Text.Json.JsonSerializer.Serialize(Affine)));
        bc.Save(checkpoint);
        (IAlgorithm restored, RunDescription run) = OfflineAlgorithms.Restore(checkpoint, Pendulum.ObservationSpace, Pendulum.ActionSpace);
        Assert.IsType<OfflineBehaviourCloning>(restored);
        Assert.Equal((BehaviourCloning.Name, 1), (run.Algorithm, restored.Iterations));
        var again = new double[1];
        double[] probe = [0.6, -0.8, 1.5];
        policy.Act(probe, action);
        restored.Policy(deterministic: true).Act(probe, again);
        Assert.Equal(action[0], again[0]);
        Assert.Contains("made without a dataset", Assert.Throws<InvalidOperationException>(() => restored.Iterate()).Message);

        // On other rows, or on another env's spaces, the checkpoint is refused.
        Assert.Contains("expected the same rows",
            Assert.Throws<CheckpointException>(() => OfflineAlgorithms.Restore(checkpoint, Pendulum.ObservationSpace, Pendulum.ActionSpace, Data(ExpertRows(10, 4)))).Message);
        IEnv cartPole = Envs.Make("cartpole");
        Assert.Contains("expected a policy from 4 observation values to Discrete(2)",
            Assert.Throws<CheckpointException>(() => OfflineAlgorithms.Restore(checkpoint, cartPole.ObservationSpace, cartPole.ActionSpace)).Message);
    }

    [Fact]
    public void BeforeItsFitThePolicyIsAbsentSayingWhy()
    {
        var bc = new OfflineBehaviourCloning("pendulum", Pendulum.ObservationSpace, Pendulum.ActionSpace, new BehaviourCloningConfig(), 0);
        Assert.Contains("not fitted yet", Assert.Throws<NoInferencePolicyException>(() => bc.Policy(true)).Message);
        Assert.Equal(1, OfflineAlgorithms.Get(BehaviourCloning.Name).FixedIterations);
        Assert.Null(OfflineAlgorithms.Get("fqi").FixedIterations);
    }
}
