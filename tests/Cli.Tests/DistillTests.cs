// `control distill` in-process: the JSON keys the issue names, the files --out writes (the checkpoint `control export`
// takes), and bad input as exit code 2 with nothing written (the runs themselves are tested in Experiments.Tests).
using System.Text.Json;

namespace Control.Cli.Tests;

public sealed class DistillTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ctl-distill-cli-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void DistillReportsTheIssueKeysAndWritesAnExportableCheckpoint()
    {
        string output = Path.Combine(directory, "run");
        (int code, string stdout, string error) = Run("distill", "--env", "pendulum", "--expert", "ilqr", "--method", "dagger", "--steps", "1200", "--seed", "1", "--out", output, "--json");
        Assert.True(code == 0, error);
        JsonElement result = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]).RootElement;
        foreach (string key in new[] { "expert_return", "policy_return", "score", "expert_ms_per_action", "policy_us_per_action" })
            Assert.True(double.IsFinite(result.GetProperty(key).GetDouble()), key);
        Assert.Equal(1200, result.GetProperty("env_steps").GetInt32());
        Assert.Equal(3600, result.GetProperty("feedback_rows").GetInt32());
        Assert.InRange(result.GetProperty("selected_iteration").GetInt32(), 1, result.GetProperty("iterations").GetInt32());
        Assert.Equal(2, File.ReadAllLines(Path.Combine(output, "metrics.csv")).Length - 1);

        string onnx = Path.Combine(directory, "policy.onnx");
        (code, _, error) = Run("export", "--checkpoint", Path.Combine(output, "checkpoint.ctl"), "--out", onnx);
        Assert.True(code == 0, error);
        Assert.True(File.Exists(onnx));
    }

    [Fact]
    public void HiddenSetsTheWidthsOfTheDistilledNetwork()
    {
        string output = Path.Combine(directory, "small");
        (int code, _, string error) = Run("distill", "--env", "pendulum", "--expert", "ilqr", "--method", "bc", "--steps", "400", "--hidden", "16,8", "--out", output);
        Assert.True(code == 0, error);
        var policy = Control.Policies.Common.InferencePolicy.Load(Path.Combine(output, "checkpoint.ctl"));
        Assert.Equal([16, 8, 1], policy.Network.Layers.Select(l => l.Outputs));
    }

    [Fact]
    public void HeadBinnedFitsLogitsOverLevelsAndExportsToOnnx()
    {
        string output = Path.Combine(directory, "binned");
        (int code, _, string error) = Run("distill", "--env", "pendulum", "--expert", "ilqr", "--method", "bc", "--steps", "400", "--head", "binned", "--out", output);
        Assert.True(code == 0, error);
        string checkpoint = Path.Combine(output, "checkpoint.ctl");
        var policy = Control.Policies.Common.InferencePolicy.Load(checkpoint);
        Assert.Equal(Control.Policies.Common.ActionHeadKind.Binned, policy.Head.Kind);
        Assert.Equal(13, policy.Network.Outputs);
        Assert.Equal([-2.0, -1.5, -1.0, -0.5, -0.25, -0.125, 0.0, 0.125, 0.25, 0.5, 1.0, 1.5, 2.0], policy.Head.Levels.ToArray());
        string onnx = Path.Combine(output, "policy.onnx");
        (code, _, error) = Run("export", "--checkpoint", checkpoint, "--out", onnx);
        Assert.True(code == 0, error);
        Assert.True(File.Exists(onnx));

        // a binned (or deterministic) head has nothing to sample: --stochastic is refused in one line, not a crash
        (code, _, error) = Run("eval", "--checkpoint", checkpoint, "--episodes", "1", "--stochastic");
        Assert.Equal(2, code);
        Assert.Contains("expected a policy that can sample to act stochastically, got a Binned head without a log-std; act deterministically", error);
        Assert.Equal(0, Run("eval", "--checkpoint", checkpoint, "--episodes", "1").Code);
    }

    [Fact]
    public void DistillPrintsAProgressLinePerIteration()
    {
        (int code, string stdout, string error) = Run("distill", "--env", "pendulum", "--expert", "ilqr", "--method", "bc", "--steps", "400");
        Assert.True(code == 0, error);
        Assert.Contains("iteration   1  labels    400  beta 1.000", stdout);
        Assert.Contains("score (policy - random) / (expert - random):", stdout);
    }

    [Fact]
    public void BadInputIsExitCodeTwoWithNothingWritten()
    {
        string output = Path.Combine(directory, "bad");
        void Refused(string message, params string[] options)
        {
            (int code, _, string error) = Run(["distill", "--env", "pendulum", .. options, "--out", output]);
            Assert.Equal(2, code);
            Assert.Contains(message, error);
        }
        Refused("unknown expert 'magic'", "--expert", "magic");
        Refused("unknown method 'gail'", "--expert", "ilqr", "--method", "gail");
        Refused("missing.ctl", "--expert", "checkpoint:" + Path.Combine(directory, "missing.ctl"));
        Refused("--steps", "--expert", "ilqr", "--steps", "0");
        Refused("expected 0 to 500 validation episodes", "--expert", "ilqr", "--validation-episodes", "-1");
        Refused("--feedback-noise: expected comma-separated numbers, got \"fast\"", "--expert", "ilqr", "--feedback-noise", "0.05,fast");
        Refused("expected a feedback noise of 2 finite values", "--expert", "ilqr", "--feedback-noise", "0.05,0.1,0.1");
        Refused("feedback labels need the ilqr expert", "--expert", "mppi", "--feedback-samples", "2", "--feedback-noise", "0.05,0.1");
        Refused("--hidden: expected comma-separated whole numbers, got \"wide\"", "--expert", "ilqr", "--hidden", "32,wide");
        Refused("expected positive hidden layer widths, got [0, 32]", "--expert", "ilqr", "--hidden", "0,32");
        Refused("--head: expected deterministic, gaussian or binned, got 'mixture'", "--expert", "ilqr", "--head", "mixture");
        Assert.False(Directory.Exists(output));
        foreach (string[] mirror in new[] { new[] { "--mirror" }, ["--mirror", "true"] })
        {
            (int code, _, string error) = Run(["distill", "--env", "reacher2d", "--expert", "ilqr", .. mirror, "--out", output]);
            Assert.Equal(2, code);
            Assert.Contains("reacher2d: mirrored labels need an env with a declared reflection symmetry (IMirrorSymmetricEnv); this one declares none", error);
            Assert.False(Directory.Exists(output));
        }
    }
}
