// `control presets` and `control train --config/--set` end to end: a printed preset trains as given, with the overrides
// in the checkpoint's config, and bad files and overrides are one line each with exit code 2, before anything is written.
using System.Text.Json;
using Control.Policies.Common;
using Control.Policies.Registry;

namespace Control.Cli.Tests;

public class PresetsTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string TempDirectory() => Path.Combine(Path.GetTempPath(), $"ctl-cli-presets-{Guid.NewGuid():N}");

    [Fact]
    public void APrintedPresetTrainsWithItsOverridesInTheCheckpoint()
    {
        string dir = TempDirectory();
        Directory.CreateDirectory(dir);
        try
        {
            (int code, string yaml, string error) = Run("presets", "--algo", "a2c", "--env", "cartpole");
            Assert.True(code == 0, error);
            Assert.StartsWith("# a2c on cartpole", yaml);
            string file = Path.Combine(dir, "a2c.yml");
            File.WriteAllText(file, yaml);
            string run = Path.Combine(dir, "run");
            (code, _, error) = Run("train", "--config", file, "--set", "learning_rate=0.0005", "--set", "policy.hidden=[16,16]", "--steps", "500", "--out", run, "--json");
            Assert.True(code == 0, error);
            RunDescription description = Checkpoint.Load(Path.Combine(run, "checkpoint.ctl")).GetJson<RunDescription>(RunDescription.Section);
            Assert.Equal(("a2c", "cartpole"), (description.Algorithm, description.Env));
            JsonElement config = JsonDocument.Parse(description.Config).RootElement;
            Assert.Equal(0.0005, config.GetProperty("LearningRate").GetDouble());
            Assert.Equal("[16,16]", config.GetProperty("Policy").GetProperty("Hidden").GetRawText());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("config:\n  learning_rat: 0.1\n", ":4: config.learning_rat: expected one of the keys of A2cConfig")]
    [InlineData("config:\n  learning_rate: fast\n", ":4: config.learning_rate: expected a number (double), got 'fast'")]
    public void ABadFileIsOneLineWithExitCodeTwo(string tail, string message)
    {
        string dir = TempDirectory();
        Directory.CreateDirectory(dir);
        try
        {
            string file = Path.Combine(dir, "bad.yml");
            File.WriteAllText(file, "algo: a2c\nenv: cartpole\n" + tail);
            string run = Path.Combine(dir, "run");
            (int code, _, string error) = Run("train", "--config", file, "--steps", "500", "--out", run);
            Assert.Equal(2, code);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.Contains(file + message, error);
            Assert.False(Directory.Exists(run));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("control: --set: learning_rate: expected a number (double), got 'fast'", "train", "--algo", "ppo", "--env", "cartpole", "--set", "learning_rate=fast")]
    [InlineData("control: --set: learning_rate: expected key=value", "train", "--algo", "ppo", "--env", "cartpole", "--set", "learning_rate")]
    [InlineData("control: expected --algo and --env", "train", "--env", "cartpole")]
    [InlineData("control: unknown algorithm 'ppx'", "presets", "--algo", "ppx", "--env", "cartpole")]
    [InlineData("control: cartpol: no such env", "presets", "--algo", "ppo", "--env", "cartpol")]
    public void BadOverridesAndNamesAreOneLineWithExitCodeTwo(string message, params string[] args)
    {
        (int code, _, string error) = Run(args);
        Assert.Equal(2, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith(message, error);
    }
}
