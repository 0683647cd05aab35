// The `control` command run in-process: JSON outputs, deterministic replay, and errors as messages with exit code 2.
using System.Text.Json;
using Control.Core.Envs;
using Control.Robots;

namespace Control.Cli.Tests;

public class CliTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static JsonElement LastLineJson(string output)
    {
        string last = output.TrimEnd().Split('\n')[^1];
        return JsonDocument.Parse(last).RootElement;
    }

    [Fact]
    public void EnvsJsonListsEveryEnvWithSpacesAndHorizon()
    {
        (int code, string output, _) = Run("envs", "--json");
        Assert.Equal(0, code);
        JsonElement envs = LastLineJson(output).GetProperty("envs");
        Assert.Equal(Envs.Names, envs.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray());
        JsonElement cartpole = envs.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "cartpole");
        Assert.Equal("Discrete(2)", cartpole.GetProperty("action_space").GetString());
        Assert.Equal(500, cartpole.GetProperty("horizon").GetInt32());
        Assert.StartsWith("Box(", cartpole.GetProperty("observation_space").GetString());
    }

    [Fact]
    public void EnvsTableShowsNames()
    {
        (int code, string output, _) = Run("envs");
        Assert.Equal(0, code);
        foreach (string name in Envs.Names) Assert.Contains(name, output);
    }

    [Fact]
    public void RolloutReplaysExactlyWhatTheEnvDoes()
    {
        (int code, string output, _) = Run("rollout", "--env", "pendulum", "--seed", "5", "--state", "0.5,-1", "--actions", "2,-2,0.5", "--json");
        Assert.Equal(0, code);
        JsonElement root = LastLineJson(output);

        IEnv env = Envs.Make("pendulum", 5);
        env.Reset(5);
        env.Find<IStatefulEnv>()!.SetState([0.5, -1.0]);
        Assert.Equal([Math.Cos(0.5), Math.Sin(0.5), -1.0], root.GetProperty("initial_observation").EnumerateArray().Select(v => v.GetDouble()).ToArray());
        JsonElement[] steps = root.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(3, steps.Length);
        double[] actions = [2, -2, 0.5];
        for (int t = 0; t < 3; t++)
        {
            Transition tr = env.Step([actions[t]]);
            Assert.Equal(tr.Observation, steps[t].GetProperty("observation").EnumerateArray().Select(v => v.GetDouble()).ToArray());
            Assert.Equal(tr.Reward, steps[t].GetProperty("reward").GetDouble());
            Assert.False(steps[t].GetProperty("terminated").GetBoolean());
        }
    }

    [Fact]
    public void RandomRolloutIsDeterministicAndStopsAtTheEnd()
    {
        (_, string a, _) = Run("rollout", "--env", "cartpole", "--random", "--seed", "2", "--json");
        (_, string b, _) = Run("rollout", "--env", "cartpole", "--random", "--seed", "2", "--json");
        Assert.Equal(a, b);
        JsonElement root = LastLineJson(a);
        JsonElement last = root.GetProperty("steps").EnumerateArray().Last();
        Assert.True(last.GetProperty("terminated").GetBoolean() || last.GetProperty("truncated").GetBoolean());
        (_, string c, _) = Run("rollout", "--env", "cartpole", "--random", "--seed", "3", "--json");
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void GridworldRolloutFromAGivenCell()
    {
        (int code, string output, _) = Run("rollout", "--env", "gridworld", "--state", "14", "--actions", "2", "--seed", "1", "--json");
        Assert.Equal(0, code);
        JsonElement root = LastLineJson(output);
        Assert.Equal(14.0, root.GetProperty("initial_observation")[0].GetDouble());
        Assert.Single(root.GetProperty("steps").EnumerateArray());
    }

    [Fact]
    public void MultiDimensionalActionsAreSeparatedBySemicolons()
    {
        (int code, string output, _) = Run("rollout", "--env", "reacher2d", "--actions", "1,-1;0.5,0.5", "--json");
        Assert.Equal(0, code);
        Assert.Equal(2, LastLineJson(output).GetProperty("steps").GetArrayLength());
    }

    [Theory]
    [InlineData("unknown env", "control: cartpol: no such env", "rollout", "--env", "cartpol", "--random")]
    [InlineData("discrete out of range", "expected an integer action in [0, 1] for Discrete(2), got 3", "rollout", "--env", "cartpole", "--actions", "0,1,3")]
    [InlineData("wrong action length", "expected an action of length 2", "rollout", "--env", "quadrotor2d", "--actions", "1,2,3")]
    [InlineData("NaN action", "expected finite action values", "rollout", "--env", "pendulum", "--actions", "0,NaN")]
    [InlineData("bad state", "expected a state of length 2, got length 3", "rollout", "--env", "pendulum", "--state", "1,2,3", "--random")]
    [InlineData("unparsable state", "expected comma-separated numbers, got \"x\"", "rollout", "--env", "pendulum", "--state", "1,x", "--random")]
    [InlineData("both sources", "exactly one of --actions and --random", "rollout", "--env", "pendulum", "--actions", "1", "--random")]
    public void BadInputGivesAMessageAndExitCodeTwo(string why, string message, params string[] args)
    {
        (int code, string output, string error) = Run(args);
        Assert.True(code == 2, why);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void BenchTensorsReportsBothEnginesAndTheRatio()
    {
        (int code, string output, string error) = Run("bench", "tensors", "--seconds", "0.02", "--json");
        Assert.True(code == 0, error);
        JsonElement root = LastLineJson(output);
        Assert.True(root.GetProperty("torch").ValueKind == JsonValueKind.String, root.GetProperty("torch_error").ToString());
        JsonElement[] rows = root.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(10, rows.Length);
        Assert.Equal([1, 64, 256, 4096, 1], rows.Take(5).Select(r => r.GetProperty("batch").GetInt32()).ToArray());
        Assert.Equal("infer", rows[4].GetProperty("kind").GetString());
        Assert.Equal(2, rows[9].GetProperty("threads").GetInt32());
        foreach (JsonElement r in rows)
        {
            double control = r.GetProperty("control_us").GetDouble(), torch = r.GetProperty("torch_us").GetDouble();
            Assert.True(control > 0 && torch > 0);
            Assert.Equal(torch / control, r.GetProperty("ratio").GetDouble(), 9);
        }
    }

    [Fact]
    public void BenchModelsTrainsTheSameEnsembleInBothEngines()
    {
        (int code, string output, string error) = Run("bench", "models", "--epochs", "1", "--json");
        Assert.True(code == 0, error);
        JsonElement root = LastLineJson(output);
        Assert.True(root.GetProperty("torch").ValueKind == JsonValueKind.String, root.GetProperty("torch_error").ToString());
        JsonElement[] rows = root.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal([1, 2], rows.Select(r => r.GetProperty("threads").GetInt32()).ToArray());
        foreach (JsonElement r in rows)
        {
            double control = r.GetProperty("control_transitions_per_second").GetDouble();
            double torch = r.GetProperty("torch_transitions_per_second").GetDouble();
            Assert.True(control > 0 && torch > 0);
            Assert.Equal(control / torch, r.GetProperty("ratio").GetDouble(), 9);
            // Same data, loss and optimizer from different random initial weights: the first epoch's mean
            // Gaussian NLL (plus bound penalty) lands close on both sides.
            double controlLoss = r.GetProperty("control_final_loss").GetDouble(), torchLoss = r.GetProperty("torch_final_loss").GetDouble();
            Assert.True(Math.Abs(controlLoss - torchLoss) < 0.5, $"first-epoch losses {controlLoss} (Control) and {torchLoss} (PyTorch)");
        }
    }
}
