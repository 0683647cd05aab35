// `control plan` and `control mbrl` in-process: the JSON keys, and bad input as exit code 2 (the runs themselves
// are tested in Experiments.Tests).
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
        foreach (string key in new[] { "return", "replans_per_second", "cold_replan_ms", "replan_ms_mean", "replan_ms_p50", "replan_ms_p95", "replan_ms_p99", "iterations_mean" })
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
    public void MbrlRejectsUnknownMethodsAndBadBudgets()
    {
        (int code, _, string error) = Run("mbrl", "--env", "pendulum", "--method", "dreamer");
        Assert.Equal(2, code);
        Assert.Contains("unknown method", error);
        (code, _, error) = Run("mbrl", "--env", "pendulum", "--method", "pets", "--steps", "0");
        Assert.Equal(2, code);
        Assert.Contains("--steps", error);
        (code, _, error) = Run("mbrl", "--env", "pendulum", "--method", "mpc-ilqr", "--support-weight", "-1");
        Assert.Equal(2, code);
        Assert.Contains("weight", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
