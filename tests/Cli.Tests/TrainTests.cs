// `control train`, `control eval`, `control export`, `control run` and `control bench ppo` end to end: the issues' JSON
// keys, checkpoints and the CSV log in --out, exact resume from the command line, evaluation of a checkpoint, its ONNX
// export run in the control loop, and bad input as a message with exit code 2.
using System.Text.Json;

namespace Control.Cli.Tests;

public class TrainTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static JsonElement LastLineJson(string output) => JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement;

    private static string TempDirectory() => Path.Combine(Path.GetTempPath(), $"ctl-cli-train-{Guid.NewGuid():N}");

    [Fact]
    public void TrainPrintsTheIssueKeysWritesTheLogAndACheckpointThatEvalReads()
    {
        string dir = TempDirectory();
        try
        {
            (int code, string output, string error) = Run("train", "--env", "cartpole", "--algo", "ppo", "--steps", "4096", "--seed", "3", "--out", dir, "--json");
            Assert.True(code == 0, error);
            JsonElement root = LastLineJson(output);
            foreach (string key in new[] { "eval_return", "eval_return_std", "steps_per_second", "env_steps" })
                Assert.True(root.TryGetProperty(key, out _), $"missing {key} in {root}");
            Assert.True(root.GetProperty("env_steps").GetInt64() >= 4096);
            Assert.True(File.Exists(Path.Combine(dir, "metrics.csv")));
            string checkpoint = Path.Combine(dir, "checkpoint.ctl");
            (code, output, error) = Run("eval", "--checkpoint", checkpoint, "--seed", (1_000_000 + 3000).ToString(), "--json");
            Assert.True(code == 0, error);
            Assert.Equal(root.GetProperty("eval_return").GetDouble(), LastLineJson(output).GetProperty("eval_return").GetDouble());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("reinforce", 2000, 4000)]
    [InlineData("a2c", 2000, 4000)]
    public void TrainResumedFromItsCheckpointEndsWhereTheUninterruptedRunEnds(string algo, int half, int full)
    {
        string straight = TempDirectory(), split = TempDirectory();
        try
        {
            (int code, string output, string error) = Run("train", "--env", "cartpole", "--algo", algo, "--steps", $"{full}", "--seed", "4", "--out", straight, "--json");
            Assert.True(code == 0, error);
            JsonElement expected = LastLineJson(output);
            Assert.Equal(0, Run("train", "--env", "cartpole", "--algo", algo, "--steps", $"{half}", "--seed", "4", "--out", split, "--json").Code);
            (code, output, error) = Run("train", "--env", "cartpole", "--algo", algo, "--steps", $"{full}", "--resume", Path.Combine(split, "checkpoint.ctl"), "--out", split, "--json");
            Assert.True(code == 0, error);
            JsonElement resumed = LastLineJson(output);
            Assert.Equal(expected.GetProperty("env_steps").GetInt64(), resumed.GetProperty("env_steps").GetInt64());
            Assert.Equal(expected.GetProperty("eval_return").GetDouble(), resumed.GetProperty("eval_return").GetDouble());
            (code, output, error) = Run("eval", "--checkpoint", Path.Combine(split, "checkpoint.ctl"), "--seed", "1004000", "--json");
            Assert.True(code == 0, error);
            Assert.Equal(expected.GetProperty("eval_return").GetDouble(), LastLineJson(output).GetProperty("eval_return").GetDouble());
        }
        finally
        {
            foreach (string dir in new[] { straight, split })
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("--algo", "sacc", "unknown algorithm 'sacc'")]
    [InlineData("--algo", "sac", "sac: expected a Box action space with finite bounds")]
    [InlineData("--env", "nowhere", "nowhere")]
    [InlineData("--steps", "0", "expected a positive --steps, got 0")]
    public void BadInputIsOneLineAndExitCodeTwo(string option, string value, string message)
    {
        var args = new Dictionary<string, string> { ["--env"] = "cartpole", ["--algo"] = "ppo", ["--steps"] = "1000" };
        args[option] = value;
        (int code, string output, string error) = Run(["train", .. args.SelectMany(kv => new[] { kv.Key, kv.Value })]);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void EvalOfAMissingCheckpointSaysWhichFile()
    {
        (int code, _, string error) = Run("eval", "--checkpoint", "/nonexistent/checkpoint.ctl");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/checkpoint.ctl", error);
    }

    [Fact]
    public void BenchPpoReportsBothEnginesAndTheRatio()
    {
        (int code, string output, string error) = Run("bench", "ppo", "--steps", "2048", "--warmup-steps", "2048", "--torch-steps", "1024", "--json");
        Assert.True(code == 0, error);
        JsonElement root = LastLineJson(output);
        Assert.True(root.GetProperty("torch").ValueKind == JsonValueKind.String, root.GetProperty("torch_error").ToString());
        double control = root.GetProperty("control_steps_per_second").GetDouble(), torch = root.GetProperty("torch_steps_per_second").GetDouble();
        Assert.True(control > 0 && torch > 0);
        Assert.Equal(control / torch, root.GetProperty("ratio").GetDouble(), 9);
    }

    [Fact]
    public void ExportAndRunPrintTheIssueKeysAndRefuseBadInputWithExitCode2()
    {
        string dir = TempDirectory();
        try
        {
            Assert.Equal(0, Run("train", "--env", "cartpole", "--algo", "reinforce", "--steps", "1000", "--seed", "2", "--out", dir, "--json").Code);
            string checkpoint = Path.Combine(dir, "checkpoint.ctl"), onnx = Path.Combine(dir, "policy.onnx");
            (int code, string output, string error) = Run("export", "--checkpoint", checkpoint, "--out", onnx, "--opset", "13", "--parity-observations", "500", "--json");
            Assert.True(code == 0, error);
            JsonElement export = LastLineJson(output);
            foreach (string key in new[] { "path", "opset", "inputs", "outputs", "parity_max_abs_diff" }) Assert.True(export.TryGetProperty(key, out _), key);
            Assert.Equal(13, export.GetProperty("opset").GetInt32());
            Assert.InRange(export.GetProperty("parity_max_abs_diff").GetDouble(), 0, 1e-5);

            (code, output, error) = Run("run", "--policy", onnx, "--env", "cartpole", "--episodes", "2", "--simulated-clock", "--json");
            Assert.True(code == 0, error);
            JsonElement run = LastLineJson(output);
            foreach (string key in new[] { "mean_return", "std_return", "episodes", "tick_us_p50", "tick_us_p99", "deadline_misses" }) Assert.True(run.TryGetProperty(key, out _), key);
            (_, output, _) = Run("eval", "--checkpoint", checkpoint, "--episodes", "2", "--json");
            Assert.Equal(LastLineJson(output).GetProperty("eval_return").GetDouble(), run.GetProperty("mean_return").GetDouble());

            foreach (string[] bad in new[]
            {
                new[] { "run", "--policy", onnx, "--env", "cartpole", "--rate-hz", "0" },
                new[] { "run", "--policy", onnx, "--env", "pendulum" },
                new[] { "run", "--policy", onnx, "--env", "cartpole", "--provider", "Cuda" },
                new[] { "run", "--policy", Path.Combine(dir, "missing.onnx"), "--env", "cartpole" },
                new[] { "export", "--checkpoint", Path.Combine(dir, "missing.ctl"), "--out", onnx },
                new[] { "export", "--checkpoint", checkpoint, "--out", onnx, "--opset", "12" },
            })
            {
                (code, _, error) = Run(bad);
                Assert.True(code == 2, $"{string.Join(' ', bad)}: exit {code}, {error}");
                Assert.StartsWith("control: ", error);
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void QtOptTrainsEvaluatesAndRefusesExportSayingWhyAndWhatToDo()
    {
        string dir = TempDirectory();
        try
        {
            (int code, string output, string error) = Run("train", "--env", "pendulum", "--algo", "qtopt", "--steps", "1000", "--seed", "2", "--out", dir, "--json");
            Assert.True(code == 0, error);
            double trained = LastLineJson(output).GetProperty("eval_return").GetDouble();
            string checkpoint = Path.Combine(dir, "checkpoint.ctl"), onnx = Path.Combine(dir, "policy.onnx");
            (code, output, error) = Run("eval", "--checkpoint", checkpoint, "--seed", (1_000_000 + 2000).ToString(), "--json");
            Assert.True(code == 0, error);
            // The evaluation of the checkpoint runs the same fixed-seed cross-entropy policy on the same critic.
            Assert.Equal(trained, LastLineJson(output).GetProperty("eval_return").GetDouble());

            (code, _, error) = Run("export", "--checkpoint", checkpoint, "--out", onnx);
            Assert.True(code == 2, error);
            Assert.StartsWith("control: qtopt has no inference policy to export", error);
            Assert.Contains("cross-entropy method", error);
            Assert.Contains("distil", error);
            Assert.False(File.Exists(onnx));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
