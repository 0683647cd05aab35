// Offline runs as library calls: a collected dataset trains fitted Q-iteration into a checkpoint and a metrics row per
// iteration, and behaviour cloning into a checkpoint of one fit; the checkpoint evaluates as the run did, exports to ONNX over Discrete actions and refuses over Box
// actions saying why; a resumed run ends where the uninterrupted one ends; a bad dataset writes nothing.
using Control.Policies.Common;
using Control.Policies.Offline;

namespace Control.Experiments.Tests;

public sealed class OfflineTrainRunTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ctl-experiments-offline-{Guid.NewGuid():N}");

    public OfflineTrainRunTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string PathOf(string name) => Path.Combine(directory, name);

    [Fact]
    public void ACollectedCartPoleDatasetTrainsACheckpointThatEvaluatesAndExportsAsTheRunDid()
    {
        CollectReport collected = CollectRun.Run(new CollectRequest("cartpole", "random", 3000, PathOf("random.csv"), 4));
        Assert.Equal(3000, collected.Rows);
        Assert.True(collected.Episodes > 50, $"expected random episodes of ~20 steps, got {collected.Episodes}");
        Assert.Equal(collected.Episodes, collected.Terminations);

        string run = PathOf("run");
        TrainReport report = TrainRun.Run(new TrainRequest("cartpole", "fqi", 0, 4) { Dataset = PathOf("random.csv"), Iterations = 3, OutputDirectory = run });
        Assert.Equal((3, 0L, 3000), (report.Iterations, report.EnvSteps, report.DatasetRows));
        Assert.Equal(PathOf("random.csv"), report.Dataset);
        string[] metrics = File.ReadAllLines(Path.Combine(run, Trainer.MetricsFile));
        Assert.Equal(4, metrics.Length);
        Assert.Contains("eval/return", metrics[0]);

        EvalReport evaluated = TrainRun.Evaluate(new EvalRequest(report.Checkpoint!) { Seed = Evaluation.SeedOf(4) });
        Assert.Equal(("fqi", "cartpole", report.EvalReturn), (evaluated.Algo, evaluated.Env, evaluated.EvalReturn));

        ExportReport exported = ExportRun.Run(new ExportRequest(report.Checkpoint!, PathOf("fqi.onnx")) { ParityObservations = 500 });
        Assert.Equal(0, exported.ActionMismatches);
        Assert.True(File.Exists(PathOf("fqi.onnx")));
    }

    [Fact]
    public void BehaviourCloningOnADatasetIsOneFitWhoseCheckpointEvaluatesAndExportsAsTheRunDid()
    {
        CollectRun.Run(new CollectRequest("cartpole", "random", 2000, PathOf("random.csv"), 7));
        string run = PathOf("bc");
        TrainReport report = TrainRun.Run(new TrainRequest("cartpole", "bc", 0, 7) { Dataset = PathOf("random.csv"), OutputDirectory = run });
        Assert.Equal((1, 0L, 2000), (report.Iterations, report.EnvSteps, report.DatasetRows));
        string[] metrics = File.ReadAllLines(Path.Combine(run, Trainer.MetricsFile));
        Assert.Equal(2, metrics.Length);
        Assert.Contains("train/holdout_loss", metrics[0]);

        EvalReport evaluated = TrainRun.Evaluate(new EvalRequest(report.Checkpoint!) { Seed = Evaluation.SeedOf(7) });
        Assert.Equal(("bc", "cartpole", report.EvalReturn), (evaluated.Algo, evaluated.Env, evaluated.EvalReturn));
        ExportReport exported = ExportRun.Run(new ExportRequest(report.Checkpoint!, PathOf("bc.onnx")) { ParityObservations = 500 });
        Assert.Equal(("bc", 0), (exported.Algorithm, exported.ActionMismatches));

        Assert.Contains("--algo bc runs exactly 1 iteration(s)",
            Assert.Throws<ArgumentException>(() => TrainRun.Run(new TrainRequest("cartpole", "bc", 0, 7) { Dataset = PathOf("random.csv"), Iterations = 3, OutputDirectory = PathOf("bc3") })).Message);
        Assert.False(Directory.Exists(PathOf("bc3")));
    }

    [Fact]
    public void AResumedRunEndsWhereTheUninterruptedRunEnds()
    {
        CollectRun.Run(new CollectRequest("cartpole", "random", 2000, PathOf("random.bin"), 5));
        TrainReport straight = TrainRun.Run(new TrainRequest("cartpole", "fqi", 0, 5) { Dataset = PathOf("random.bin"), Iterations = 4, OutputDirectory = PathOf("straight") });
        TrainRun.Run(new TrainRequest("cartpole", "fqi", 0, 5) { Dataset = PathOf("random.bin"), Iterations = 2, OutputDirectory = PathOf("split") });
        TrainReport resumed = TrainRun.Run(new TrainRequest("cartpole", "fqi", 0, 0)
        {
            Dataset = PathOf("random.bin"), Iterations = 4, OutputDirectory = PathOf("split"), Resume = PathOf("split/checkpoint.ctl"),
        });
        Assert.Equal(4, resumed.Iterations);
        Assert.Equal(straight.Evaluation.Returns, resumed.Evaluation.Returns);
        Assert.Equal(File.ReadAllLines(PathOf("straight/metrics.csv")).TakeLast(2).Select(Metrics), File.ReadAllLines(PathOf("split/metrics.csv")).TakeLast(2).Select(Metrics));

        // Resuming on other rows is refused.
        CollectRun.Run(new CollectRequest("cartpole", "random", 2000, PathOf("other.bin"), 6));
        var error = Assert.Throws<CheckpointException>(() => TrainRun.Run(new TrainRequest("cartpole", "fqi", 0, 0)
        {
            Dataset = PathOf("other.bin"), Iterations = 5, Resume = PathOf("split/checkpoint.ctl"),
        }));
        Assert.Contains("expected the same rows", error.Message);
    }

    // A metrics row without its wall-clock column (the third).
    private static string Metrics(string line) => string.Join(',', line.Split(',').Where((_, i) => i != 2));

    [Fact]
    public void BoxActionsTrainByTheCrossEntropyMaxAndRefuseExportSayingWhy()
    {
        CollectRun.Run(new CollectRequest("pendulum", "random", 400, PathOf("pendulum.bin"), 1));
        TrainReport report = TrainRun.Run(new TrainRequest("pendulum", "fqi", 0, 1) { Dataset = PathOf("pendulum.bin"), Iterations = 1, OutputDirectory = PathOf("run") });
        EvalReport evaluated = TrainRun.Evaluate(new EvalRequest(report.Checkpoint!) { Seed = Evaluation.SeedOf(1) });
        Assert.Equal(report.EvalReturn, evaluated.EvalReturn);
        var refused = Assert.Throws<NoInferencePolicyException>(() => ExportRun.Run(new ExportRequest(report.Checkpoint!, PathOf("fqi.onnx"))));
        Assert.Contains("cross-entropy search", refused.Message);
        Assert.False(File.Exists(PathOf("fqi.onnx")));

        // The collected policy of a checkpoint: its greedy actions with epsilon-random ones, on the same env only.
        CollectReport again = CollectRun.Run(new CollectRequest("pendulum", $"checkpoint:{report.Checkpoint}", 200, PathOf("again.csv"), 2) { Epsilon = 0.5 });
        Assert.Equal((200, 1), (again.Rows, again.Episodes));
        Assert.Contains("acts on pendulum; expected one of cartpole",
            Assert.Throws<ArgumentException>(() => CollectRun.Run(new CollectRequest("cartpole", $"checkpoint:{report.Checkpoint}", 10, PathOf("x.csv"), 2))).Message);
    }

    [Fact]
    public void ABadDatasetOrAlgorithmFailsBeforeAnythingIsWritten()
    {
        File.WriteAllText(PathOf("nan.csv"), "x0,x1,x2,x3,u0,x'0,x'1,x'2,x'3,reward,terminated\n0,0,0,0,1,0,0,0,0,1,0\n0,0,0,0,3,0,0,0,0,1,0\n");
        string run = PathOf("run");
        var error = Assert.Throws<OfflineDatasetException>(() => TrainRun.Run(new TrainRequest("cartpole", "fqi", 0, 1) { Dataset = PathOf("nan.csv"), OutputDirectory = run }));
        Assert.Equal(1, error.Row);
        Assert.False(Directory.Exists(run) && Directory.EnumerateFileSystemEntries(run).Any());

        Assert.Contains("fqi learns from a logged dataset: give --dataset",
            Assert.Throws<ArgumentException>(() => TrainRun.Run(new TrainRequest("cartpole", "fqi", 1000, 1))).Message);
        Assert.Contains("--dataset trains offline with one of fqi, bc; got --algo ppo",
            Assert.Throws<ArgumentException>(() => TrainRun.Run(new TrainRequest("cartpole", "ppo", 1000, 1) { Dataset = PathOf("nan.csv") })).Message);
        Assert.Contains("--iterations is the budget of an offline run",
            Assert.Throws<ArgumentException>(() => TrainRun.Run(new TrainRequest("cartpole", "ppo", 1000, 1) { Iterations = 3 })).Message);
        Assert.Contains("expected --policy random or checkpoint:PATH",
            Assert.Throws<ArgumentException>(() => CollectRun.Run(new CollectRequest("cartpole", "greedy", 10, PathOf("x.csv"), 1))).Message);
        Assert.False(File.Exists(PathOf("x.csv")));
    }
}
