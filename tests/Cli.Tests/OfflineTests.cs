// `control collect` and `control train --dataset` end to end: a logged dataset, fitted Q-iteration on it with the
// report's keys, the ONNX export of its greedy policy over Discrete actions and the refusal over Box actions, and bad
// input (a dataset that does not fit the env, --steps on an offline run, fqi without a dataset) as one line with exit
// code 2 and nothing written.
using System.Text.Json;

namespace Control.Cli.Tests;

public sealed class OfflineTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ctl-cli-offline-{Guid.NewGuid():N}");

    public OfflineTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string PathOf(string name) => Path.Combine(directory, name);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static JsonElement LastLineJson(string output) => JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement;

    [Fact]
    public void CollectThenTrainFqiThenExportTheGreedyPolicy()
    {
        (int code, string output, string error) = Run("collect", "--env", "cartpole", "--steps", "2000", "--seed", "3", "--out", PathOf("random.csv"), "--json");
        Assert.True(code == 0, error);
        JsonElement collected = LastLineJson(output);
        Assert.Equal(2000, collected.GetProperty("rows").GetInt32());
        Assert.True(collected.GetProperty("episodes").GetInt32() > 20);

        string run = PathOf("run");
        (code, output, error) = Run("train", "--env", "cartpole", "--algo", "fqi", "--dataset", PathOf("random.csv"), "--iterations", "2", "--seed", "3", "--out", run, "--json");
        Assert.True(code == 0, error);
        JsonElement report = LastLineJson(output);
        Assert.Equal(2, report.GetProperty("iterations").GetInt32());
        Assert.Equal(0, report.GetProperty("env_steps").GetInt64());
        Assert.Equal(2000, report.GetProperty("dataset_rows").GetInt32());
        Assert.Equal(PathOf("random.csv"), report.GetProperty("dataset").GetString());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);

        (code, _, error) = Run("export", "--checkpoint", Path.Combine(run, "checkpoint.ctl"), "--out", PathOf("fqi.onnx"), "--parity-observations", "200");
        Assert.True(code == 0, error);
        Assert.True(File.Exists(PathOf("fqi.onnx")));

        // Without --json: a progress line per iteration (a tenth of 2), then the table.
        (code, output, error) = Run("train", "--env", "cartpole", "--algo", "fqi", "--dataset", PathOf("random.csv"), "--iterations", "2");
        Assert.True(code == 0, error);
        Assert.Contains("fqi cartpole [###############...............]     1/2 iterations", output);
        Assert.Contains("dataset rows", output);
    }

    [Fact]
    public void OverBoxActionsTheExportIsRefusedSayingWhy()
    {
        Assert.Equal(0, Run("collect", "--env", "pendulum", "--steps", "300", "--out", PathOf("pendulum.bin")).Code);
        (int code, _, string error) = Run("train", "--env", "pendulum", "--algo", "fqi", "--dataset", PathOf("pendulum.bin"), "--iterations", "1", "--out", PathOf("run"));
        Assert.True(code == 0, error);
        (code, _, error) = Run("export", "--checkpoint", PathOf("run/checkpoint.ctl"), "--out", PathOf("fqi.onnx"));
        Assert.Equal(2, code);
        Assert.StartsWith("control: fqi has no inference policy to export: with continuous (Box) actions it acts by maximizing its Q(s, a)", error);
        Assert.Contains("cross-entropy search", error);
        Assert.False(File.Exists(PathOf("fqi.onnx")));
    }

    [Fact]
    public void BehaviourCloningFromLogsTakesTheBinnedHeadThroughSetAndExportsIt()
    {
        Assert.Equal(0, Run("collect", "--env", "pendulum", "--steps", "300", "--out", PathOf("logged.bin")).Code);
        (int code, _, string error) = Run("train", "--env", "pendulum", "--algo", "bc", "--dataset", PathOf("logged.bin"),
            "--set", "head=binned", "--set", "levels=[-1,0,1]", "--out", PathOf("bc-binned"));
        Assert.True(code == 0, error);
        var policy = Control.Policies.Common.InferencePolicy.Load(PathOf("bc-binned/checkpoint.ctl"));
        Assert.Equal(Control.Policies.Common.ActionHeadKind.Binned, policy.Head.Kind);
        Assert.Equal([-2.0, 0.0, 2.0], policy.Head.Levels.ToArray());
        (code, _, error) = Run("export", "--checkpoint", PathOf("bc-binned/checkpoint.ctl"), "--out", PathOf("bc-binned.onnx"));
        Assert.True(code == 0, error);
        Assert.True(File.Exists(PathOf("bc-binned.onnx")));

        (code, _, error) = Run("train", "--env", "pendulum", "--algo", "bc", "--dataset", PathOf("logged.bin"), "--set", "levels=[0.5,-0.5]", "--out", PathOf("bc-bad"));
        Assert.Equal(2, code);
        Assert.Contains("Levels: expected increasing positions in [-1, 1], got [0.5, -0.5]", error);
        Assert.False(Directory.Exists(PathOf("bc-bad")));
    }

    [Fact]
    public void BadInputIsOneLineWithExitCodeTwoAndWritesNothing()
    {
        File.WriteAllText(PathOf("bad.csv"), "x0,x1,x2,x3,u0,x'0,x'1,x'2,x'3,reward,terminated\n0,0,0,0,1,0,0,0,0,1,0\n0,0,0,0,3,0,0,0,0,1,0\n");
        (int code, _, string error) = Run("train", "--env", "cartpole", "--algo", "fqi", "--dataset", PathOf("bad.csv"), "--out", PathOf("run"));
        Assert.Equal(2, code);
        Assert.StartsWith($"control: {PathOf("bad.csv")}: row 1 (line 3): action u0 = 3 is not one of cartpole's Discrete(2) actions", error);
        Assert.False(Directory.Exists(PathOf("run")));

        File.WriteAllText(PathOf("no-actions.csv"), "x0,x1,x2,x3,x'0,x'1,x'2,x'3,reward,terminated\n0,0,0,0,0,0,0,0,1,0\n");
        (code, _, error) = Run("train", "--env", "cartpole", "--algo", "fqi", "--dataset", PathOf("no-actions.csv"));
        Assert.Equal(2, code);
        Assert.Contains("expected 1 action column (u0) for cartpole's Discrete(2) actions, the header has no action columns", error);

        (code, _, error) = Run("train", "--env", "cartpole", "--algo", "fqi", "--dataset", PathOf("bad.csv"), "--steps", "1000");
        Assert.Equal(2, code);
        Assert.Contains("--steps counts env steps, and an offline run (--dataset) takes none: give its budget as --iterations", error);

        (code, _, error) = Run("train", "--env", "cartpole", "--algo", "fqi");
        Assert.Equal(2, code);
        Assert.Contains("fqi learns from a logged dataset: give --dataset", error);

        (code, _, error) = Run("collect", "--env", "cartpole", "--policy", "checkpoint:" + PathOf("missing.ctl"), "--out", PathOf("x.csv"));
        Assert.Equal(2, code);
        Assert.False(File.Exists(PathOf("x.csv")));
    }
}
