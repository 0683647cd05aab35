// The JSON form of the reports: the keys the README documents and `control ... --json` has always printed, in
// snake_case, in order, and nothing more (the structured members of TrainReport and the warm-start means of
// PlanReport stay out).
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
        Assert.Equal(["algo", "env", "seed", "eval_return", "eval_return_std", "steps_per_second", "env_steps", "iterations", "seconds", "checkpoint"], Keys(report));
        JsonElement root = JsonDocument.Parse(JsonSerializer.Serialize(report, ExperimentJson.Options)).RootElement;
        Assert.Equal(2.0, root.GetProperty("eval_return").GetDouble());
        Assert.Equal(2048.0, root.GetProperty("steps_per_second").GetDouble());
    }

    [Fact]
    public void PlanReportKeepsTheWarmMeansOut()
    {
        var report = new PlanReport("pendulum", "ilqr", 40, 1, 200, true, -118, 2, 3, 1.5, 1, 1);
        Assert.Equal(["env", "planner", "horizon", "seed", "steps", "success", "return", "replans_per_second", "replan_ms_mean", "replan_ms_p95", "iterations_mean"],
            Keys(report));
    }

    [Fact]
    public void MbrlReportAndItsIterations()
    {
        var report = new MbrlReport("pendulum", "mpc-ilqr", 1, 400, [new ModelBasedIteration(200, 0.1, 0.2, -900, 1, 1000, -900, 2)], -200, -150, -1200, -900, 3);
        Assert.Equal(["env", "method", "seed", "env_steps", "iterations", "return_learned", "return_true_model", "return_random", "worst_episode_return", "fallbacks", "score"], Keys(report));
        Assert.Equal(["env_steps", "holdout_loss", "multi_step_error", "episode_return", "fit_seconds", "fit_transitions_per_second", "worst_episode_return", "fallbacks"], Keys(report.Iterations[0]));
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
