// Every example of examples/ runs to the end with a tiny budget (--tiny) and prints what its README line promises.
namespace Control.Examples.Tests;

public class ExampleTests
{
    private static string Run(string name, params string[] args)
    {
        (int code, string output, string error) = ExampleRunner.Run(name, 300, [.. args, "--tiny"]);
        Assert.True(code == 0, $"{name} exited with {code}:\n{output}\n{error}");
        return output;
    }

    // Runs body in a fresh directory under the temp folder (not yet created: an example may make it), deleted after.
    private static void InTemporaryDirectory(string name, Action<string> body)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"ctl-example-{name}-{Guid.NewGuid():N}");
        try
        {
            body(directory);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void QuickstartTours()
        => Assert.Contains("pendulum: return", Run("Quickstart"));

    [Fact]
    public void IlqrSwingUpPlansAndPrintsTheGains()
    {
        string output = Run("IlqrSwingUp");
        Assert.Contains("plan: cost", output);
        Assert.Contains("K = [", output);
        Assert.Contains("mpc: 50 steps", output);
    }

    [Fact]
    public void PpoTrainsAndEvaluatesItsCheckpoint() => InTemporaryDirectory("ppo", directory =>
    {
        string output = Run("PpoTrainEvaluate", directory);
        Assert.Contains("trained: ", output);
        Assert.Contains("checkpoint, stochastic actions: ", output);
        Assert.True(File.Exists(Path.Combine(directory, "checkpoint.ctl")));
        Assert.True(File.Exists(Path.Combine(directory, "metrics.csv")));
    });

    [Fact]
    public void PetsLearnsAModelAndControlsThroughIt()
    {
        string output = Run("PetsLearnedModel");
        Assert.Contains("holdout loss", output);
        Assert.Contains("PETS on the learned model: return", output);
    }

    [Fact]
    public void SacExportsToOnnxAndTheControlLoopRunsTheFile() => InTemporaryDirectory("sac", directory =>
    {
        Directory.CreateDirectory(directory);
        string onnx = Path.Combine(directory, "sac.onnx");
        Assert.Contains("exported ", Run("SacOnnxExport", onnx));
        Assert.True(File.Exists(onnx));
        string output = Run("OnnxControlLoop", onnx, "pendulum");
        Assert.Contains("on pendulum: mean return", output);
        Assert.Contains("tick p50", output);
    });

    [Fact]
    public void APlannerIsDistilledTimedAndExportedToOnnx() => InTemporaryDirectory("distill", directory =>
    {
        Directory.CreateDirectory(directory);
        string onnx = Path.Combine(directory, "distilled.onnx");
        string output = Run("DistillMpc", onnx);
        Assert.Contains("iteration  1:   1000 labels, score", output);
        Assert.Contains("x faster)", output);
        Assert.Contains("in-process: 0.1 rad from upright at rest -> torque", output);
        Assert.Contains("exported ", output);
        Assert.True(File.Exists(onnx));
        Assert.True(File.Exists(Path.Combine(directory, "control-example-distill-run", "checkpoint.ctl")));
    });

    [Fact]
    public void TheControlLoopExampleSaysHowToCallIt()
    {
        (int code, _, string error) = ExampleRunner.Run("OnnxControlLoop", 60);
        Assert.Equal(2, code);
        Assert.StartsWith("usage: OnnxControlLoop POLICY.onnx ENV", error);
    }

    [Fact]
    public void AUserMuJoCoRobotIsControlledByIlqr()
        => Assert.Contains("iLQR-MPC, 30 steps: return", Run("MuJoCoRobot"));
}
