// Train -> export -> run: a checkpoint's policy exported to ONNX matches Control's forward pass in ONNX Runtime, and
// run through the control loop on the simulated env it earns the returns `control eval` gives the checkpoint on the
// same seeds (exactly for discrete actions, to float32 rounding for continuous ones). Bad input is refused by name.
using Control.Deploy.Onnx;
using Control.Policies.Common;

namespace Control.Experiments.Tests;

public class DeployRunTests
{
    [Theory]
    [InlineData("cartpole", "ppo", 2048)]
    [InlineData("cartpole", "dqn", 1500)]
    [InlineData("cartpole", "reinforce", 1000)]
    [InlineData("cartpole", "trpo", 2048)]
    [InlineData("cartpole", "npg", 2048)]
    [InlineData("pendulum", "ppo-kl", 4096)]
    [InlineData("pendulum", "a2c", 2000)]
    [InlineData("pendulum", "ppo", 4096)]
    [InlineData("pendulum", "svg1-er", 1200)]
    [InlineData("pendulum", "svginf", 1400)]
    public void AnExportedPolicyEarnsTheCheckpointsReturnsInTheControlLoop(string env, string algo, long steps)
    {
        string dir = TempDirectory();
        try
        {
            TrainRun.Run(new TrainRequest(env, algo, steps, 3) { OutputDirectory = dir });
            string checkpoint = Path.Combine(dir, "checkpoint.ctl"), onnx = Path.Combine(dir, "policy.onnx");
            ExportReport export = ExportRun.Run(new ExportRequest(checkpoint, onnx) { ParityObservations = 2000 });
            Assert.InRange(export.ParityMaxAbsDiff, 0, 1e-5);
            Assert.Equal(0, export.ActionMismatches);
            Assert.Equal(ExportRun.Sha256(checkpoint), export.CheckpointSha256);
            Assert.Equal(OnnxContract.Observation, Assert.Single(export.Inputs).Name);
            // The model-based learners' policies read the pendulum's state (angle, velocity), the others its observation.
            Assert.Equal(["batch", env == "cartpole" ? "4" : algo.StartsWith("svg", StringComparison.Ordinal) ? "2" : "3"], export.Inputs[0].Shape);
            Assert.Contains(export.Outputs, o => o.Name == OnnxContract.Action && o.Type == (env == "cartpole" ? "int64" : "float32"));

            DeployReport run = DeployRun.Run(new DeployRequest(onnx, env) { Episodes = 3, Seed = 77, SimulatedClock = true });
            EvalReport eval = TrainRun.Evaluate(new EvalRequest(checkpoint) { Episodes = 3, Seed = 77 });
            Assert.Equal(3, run.Episodes);
            Assert.Equal(0, run.WatchdogTrips);
            Assert.Equal("EpisodesCompleted", run.StopReason);
            double onnxReturn = run.MeanReturn!.Value;
            if (env == "cartpole") Assert.Equal(eval.EvalReturn, onnxReturn);
            else Assert.True(Math.Abs(onnxReturn - eval.EvalReturn) <= 1e-4 * Math.Abs(eval.EvalReturn), $"ONNX {onnxReturn}, checkpoint {eval.EvalReturn}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BadInputIsRefusedByNameAndNothingIsWritten()
    {
        string dir = TempDirectory();
        try
        {
            string checkpoint = Path.Combine(dir, "checkpoint.ctl"), onnx = Path.Combine(dir, "policy.onnx");
            Assert.Throws<CheckpointException>(() => ExportRun.Run(new ExportRequest(checkpoint, onnx)));
            File.WriteAllBytes(checkpoint, [1, 2, 3, 4, 5]);
            Assert.Throws<CheckpointException>(() => ExportRun.Run(new ExportRequest(checkpoint, onnx)));
            Assert.Empty(Directory.GetFiles(dir, "*.onnx*"));

            TrainRun.Run(new TrainRequest("cartpole", "reinforce", 1000, 1) { OutputDirectory = dir });
            ExportRun.Run(new ExportRequest(checkpoint, onnx) { ParityObservations = 10 });
            var spaces = Assert.Throws<ArgumentException>(() => DeployRun.Run(new DeployRequest(onnx, "pendulum") { Episodes = 1, SimulatedClock = true }));
            Assert.Contains("cartpole", spaces.Message);
            Assert.Contains("pendulum", spaces.Message);
            var rate = Assert.Throws<ArgumentOutOfRangeException>(() => DeployRun.Run(new DeployRequest(onnx, "cartpole") { RateHz = 0, SimulatedClock = true }));
            Assert.Contains("RateHz", rate.Message);
            byte[] good = File.ReadAllBytes(onnx);
            var disagree = Assert.Throws<InvalidDataException>(() => ExportRun.Run(new ExportRequest(checkpoint, Path.Combine(dir, "strict.onnx")) { ParityObservations = 10, MaxRelativeDiff = -1 }));
            Assert.Contains("nothing written", disagree.Message);
            Assert.False(File.Exists(Path.Combine(dir, "strict.onnx")));
            File.WriteAllBytes(onnx, good[..(good.Length / 2)]);
            var truncated = Assert.Throws<OnnxContractException>(() => DeployRun.Run(new DeployRequest(onnx, "cartpole") { SimulatedClock = true }));
            Assert.Contains(onnx, truncated.Message);
            File.WriteAllBytes(onnx, good);
            var cuda = Assert.Throws<ExecutionProviderException>(() => DeployRun.Run(new DeployRequest(onnx, "cartpole") { Provider = ExecutionProvider.Cuda, SimulatedClock = true }));
            Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", cuda.Message);

            // A truncated checkpoint: refused by name, and the existing export is left as it was.
            byte[] checkpointBytes = File.ReadAllBytes(checkpoint);
            File.WriteAllBytes(checkpoint, checkpointBytes[..(checkpointBytes.Length * 2 / 3)]);
            var cut = Assert.Throws<CheckpointException>(() => ExportRun.Run(new ExportRequest(checkpoint, onnx)));
            Assert.Contains(checkpoint, cut.Message);
            Assert.Equal(good, File.ReadAllBytes(onnx));
            Assert.Single(Directory.GetFiles(dir, "*.onnx*"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string TempDirectory() => Directory.CreateTempSubdirectory("control-deploy-").FullName;
}
