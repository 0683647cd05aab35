// The JSON form of the reports: the keys the README documents and `control ... --json` has always printed, in
// snake_case, in order, and nothing more (the structured members of TrainReport stay out; PlanReport keeps the cold
// first replan apart from the warm ones).
using System.Text.Json;
using Control.ModelBased;
using Control.Policies.Common;
using Control.Policies.Registry;

namespace Control.Experiments.Tests;

public class ExperimentJsonTests
{
    private static string[] Keys<T>(T value)
        => JsonDocument.Parse(JsonSerializer.Serialize(value, ExperimentJson.Options)).RootElement.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void TrainReportIsTheFlatSummary()
    {
        var report = new TrainReport(new RunDescription("ppo", "cartpole", 1, "{}"),
            new TrainingResult(4096, 16, TimeSpan.FromSeconds(2), false, new Dictionary<string, double>()), new EvaluationResult([1.0, 3.0], [1, 3]), "/tmp/c.ctl");
        Assert.Equal(["algo", "env", "seed", "eval_return", "eval_return_std", "steps_per_second", "env_steps", "steps_trained", "iterations", "seconds", "checkpoint"], Keys(report));
        Assert.Equal(["algo", "env", "seed", "eval_return", "eval_return_std", "steps_per_second", "env_steps", "steps_trained", "iterations", "seconds", "eval_seconds", "checkpoint"],
            Keys(report with { EvalSeconds = 0.5 }));
        JsonElement root = JsonDocument.Parse(JsonSerializer.Serialize(report, ExperimentJson.Options)).RootElement;
        Assert.Equal(2.0, root.GetProperty("eval_return").GetDouble());
        Assert.Equal(2048.0, root.GetProperty("steps_per_second").GetDouble());
    }

    [Fact]
    public void PlanReportKeepsTheColdReplanApart()
    {
        var report = new PlanReport("pendulum", "ilqr", 40, 1, 200, true, -118, 20, 12, 0.5, 0.4, 0.9, 1.2, 2);
        Assert.Equal(["env", "planner", "horizon", "seed", "steps", "success", "return", "replans_per_second", "cold_replan_ms", "cold_iterations", "replan_ms_mean",
            "replan_ms_p50", "replan_ms_p95", "replan_ms_p99", "iterations_mean"], Keys(report));
        JsonElement root = JsonDocument.Parse(JsonSerializer.Serialize(report, ExperimentJson.Options)).RootElement;
        Assert.Equal(2000.0, root.GetProperty("replans_per_second").GetDouble());
        Assert.Equal(20.0, root.GetProperty("cold_replan_ms").GetDouble());
    }

    [Fact]
    public void APlanWithoutWarmReplansHasNullWarmFigures()
    {
        var report = new PlanReport("pendulum", "ilqr", 40, 1, 1, false, -1, 20, 12, null, null, null, null, null);
        JsonElement root = JsonDocument.Parse(JsonSerializer.Serialize(report, ExperimentJson.Options)).RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("replans_per_second").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("replan_ms_mean").ValueKind);
    }

    [Fact]
    public void MbrlReportAndItsIterations()
    {
        var report = new MbrlReport("pendulum", "mpc-ilqr", 1, 400, [new ModelBasedIteration(200, 0.1, 0.2, -900, 1, 1000, -900, 2)], -200, -150, -1200, -900, 3);
        Assert.Equal(["env", "method", "seed", "env_steps", "iterations", "return_learned", "return_true_model", "return_random", "worst_episode_return", "fallbacks", "score"], Keys(report));
        Assert.Equal(["env_steps", "holdout_loss", "multi_step_error", "episode_return", "fit_seconds", "fit_transitions_per_second", "worst_episode_return", "fallbacks"], Keys(report.Iterations[0]));
    }

    [Fact]
    public void NonFiniteFiguresAreWrittenAsNamedStringsAndReadBack()
    {
        var report = new MbrlReport("acrobot-swingup", "mpc-ilqr", 1, 400, [new ModelBasedIteration(200, 0.1, double.PositiveInfinity, -900, 1, 1000, double.NaN, 2)],
            -200, -150, double.NegativeInfinity, -900, 3);
        string json = JsonSerializer.Serialize(report, ExperimentJson.Options);
        JsonElement root = JsonDocument.Parse(json).RootElement;
        Assert.Equal("-Infinity", root.GetProperty("return_random").GetString());
        Assert.Equal("Infinity", root.GetProperty("iterations")[0].GetProperty("multi_step_error").GetString());
        Assert.Equal("NaN", root.GetProperty("iterations")[0].GetProperty("worst_episode_return").GetString());
        Assert.Equal(-200.0, root.GetProperty("return_learned").GetDouble());
        ModelBasedIteration back = JsonSerializer.Deserialize<ModelBasedIteration>(root.GetProperty("iterations")[0].GetRawText(), ExperimentJson.Options)!;
        Assert.True(double.IsPositiveInfinity(back.MultiStepError) && double.IsNaN(back.WorstEpisodeReturn));
    }

    [Fact]
    public void RolloutReportEndsWithTheReturnAndWhetherTheEpisodeEnded()
    {
        var report = new RolloutReport("pendulum", 0, [1.0], [new RolloutStep(0, [0.5], [1.0], -1, false, true)], -1);
        Assert.Equal(["env", "seed", "initial_observation", "steps", "return", "ended"], Keys(report));
        Assert.Equal(["t", "action", "observation", "reward", "terminated", "truncated"], Keys(report.Steps[0]));
        Assert.True(report.Ended);
    }

    [Fact]
    public void DemoRowsHaveTheirSnakeCaseNames()
    {
        Assert.Equal(["env", "n", "m", "points", "max_error_a", "max_error_b"], Keys(new DemoJacobian("pendulum", 2, 1, 20, 0, 0)));
        Assert.Equal(["env", "horizon", "success", "return", "steps", "replan_ms_mean", "iterations_per_replan"], Keys(new DemoSwingUp("pendulum", 40, true, -1, 200, 1, 1)));
        Assert.Equal(["env", "copies", "workers", "env_steps", "env_steps_per_second"], Keys(new DemoBatch("cartpole", 256, 1, 1, 1)));
    }
}
