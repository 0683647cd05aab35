// `control train --algo trpo|npg` end to end: JSON keys, the checkpoint's config round trip (eval and resume rebuild
// the algorithm from it), and a resumed run ending where the uninterrupted one does.
using System.Text.Json;

namespace Control.Cli.Tests;

public class TrpoCliTests
{
    private static (int Code, JsonElement Json, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(args, output, error);
        string last = output.ToString().TrimEnd().Split('\n')[^1];
        return (code, code == 0 ? JsonDocument.Parse(last).RootElement.Clone() : default, error.ToString());
    }

    [Theory]
    [InlineData("trpo")]
    [InlineData("npg")]
    public void TrainEvalAndResumeAgree(string algo)
    {
        string straight = Path.Combine(Path.GetTempPath(), $"ctl-{algo}-{Guid.NewGuid():N}");
        string split = Path.Combine(Path.GetTempPath(), $"ctl-{algo}-{Guid.NewGuid():N}");
        try
        {
            (int code, JsonElement full, string error) = Run("train", "--env", "cartpole", "--algo", algo, "--steps", "4096", "--seed", "0", "--out", straight, "--json");
            Assert.True(code == 0, error);
            Assert.Equal(4096, full.GetProperty("env_steps").GetInt64());
            Assert.True(full.GetProperty("steps_per_second").GetDouble() > 0);

            (code, JsonElement evaluated, error) = Run("eval", "--checkpoint", Path.Combine(straight, "checkpoint.ctl"), "--json");
            Assert.True(code == 0, error);
            Assert.Equal(full.GetProperty("eval_return").GetDouble(), evaluated.GetProperty("eval_return").GetDouble());

            (code, _, error) = Run("train", "--env", "cartpole", "--algo", algo, "--steps", "2048", "--seed", "0", "--out", split, "--json");
            Assert.True(code == 0, error);
            (code, JsonElement resumed, error) = Run("train", "--env", "cartpole", "--algo", algo, "--steps", "4096", "--resume", Path.Combine(split, "checkpoint.ctl"), "--out", split, "--json");
            Assert.True(code == 0, error);
            Assert.Equal(4096, resumed.GetProperty("env_steps").GetInt64());
            Assert.Equal(full.GetProperty("eval_return").GetDouble(), resumed.GetProperty("eval_return").GetDouble());
        }
        finally
        {
            foreach (string dir in new[] { straight, split })
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        }
    }
}
