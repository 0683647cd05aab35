// `control plan` and `control mbrl` in-process: the JSON keys the issues name, success of the documented
// configurations, determinism for a seed, and bad input as exit code 2.
using System.Text.Json;

namespace Control.Cli.Tests;

public class PlanAndMbrlTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static JsonElement Json(string output) => JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement;

    [Fact]
    public void PlanWithIlqrSwingsUpTheCartPoleAndReportsTheIssueKeys()
    {
        (int code, string output, string error) = Run("plan", "--env", "cartpole-swingup", "--planner", "ilqr", "--seed", "2", "--json");
        Assert.True(code == 0, error);
        JsonElement result = Json(output);
        Assert.True(result.GetProperty("success").GetBoolean());
        foreach (string key in new[] { "return", "replans_per_second", "replan_ms_mean", "replan_ms_p95", "iterations_mean" })
            Assert.True(double.IsFinite(result.GetProperty(key).GetDouble()), key);
    }

    [Fact]
    public void PlanRejectsUnknownPlannersAndDiscreteEnvs()
    {
        (int code, _, string error) = Run("plan", "--env", "pendulum", "--planner", "magic");
        Assert.Equal(2, code);
        Assert.Contains("unknown planner", error);
        (code, _, error) = Run("plan", "--env", "cartpole", "--planner", "ilqr");
        Assert.Equal(2, code);
        Assert.Contains("continuous actions", error);
    }

    [Fact]
    public void MbrlWithIlqrOnALearnedPendulumModelComesCloseToTheTrueModel()
    {
        (int code, string output, string error) = Run("mbrl", "--env", "pendulum", "--method", "mpc-ilqr", "--steps", "2000", "--seed", "1", "--json");
        Assert.True(code == 0, error);
        JsonElement result = Json(output);
        Assert.Equal(2000, result.GetProperty("env_steps").GetInt32());
        Assert.True(result.GetProperty("score").GetDouble() >= 0.9, output);
        Assert.True(result.GetProperty("return_learned").GetDouble() > result.GetProperty("return_random").GetDouble());
        Assert.Equal(9, result.GetProperty("iterations").GetArrayLength());
    }

    [Fact]
    public void MbrlIsDeterministicForASeed()
    {
        string[] args = ["mbrl", "--env", "pendulum", "--method", "mpc-ilqr", "--steps", "600", "--seed", "4", "--json"];
        (int code1, string first, _) = Run(args);
        (int code2, string second, _) = Run(args);
        Assert.Equal(0, code1);
        Assert.Equal(0, code2);
        JsonElement a = Json(first), b = Json(second);
        Assert.Equal(a.GetProperty("return_learned").GetDouble(), b.GetProperty("return_learned").GetDouble());
        // Everything but the wall-clock fields repeats exactly.
        static string[] Records(JsonElement run) => run.GetProperty("iterations").EnumerateArray()
            .Select(i => $"{i.GetProperty("env_steps")} {i.GetProperty("holdout_loss")} {i.GetProperty("multi_step_error")} {i.GetProperty("episode_return")}")
            .ToArray();
        Assert.Equal(Records(a), Records(b));
    }

    [Fact]
    public void MbrlRejectsUnknownMethodsAndBadBudgets()
    {
        (int code, _, string error) = Run("mbrl", "--env", "pendulum", "--method", "dreamer");
        Assert.Equal(2, code);
        Assert.Contains("unknown method", error);
        (code, _, error) = Run("mbrl", "--env", "pendulum", "--method", "pets", "--steps", "0");
        Assert.Equal(2, code);
        Assert.Contains("--steps", error);
    }
}
