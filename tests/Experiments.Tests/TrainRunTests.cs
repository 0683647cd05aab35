// Training runs as library calls: a resumed run ends where the uninterrupted one ends, and a checkpoint's evaluation
// repeats the run's own.
using Control.Policies.Common;
using Control.Policies.Registry;
using Control.Robots;

namespace Control.Experiments.Tests;

public class TrainRunTests
{
    private static string TempDirectory() => Path.Combine(Path.GetTempPath(), $"ctl-experiments-train-{Guid.NewGuid():N}");

    [Fact]
    public void ResumingACheckpointEndsWhereTheUninterruptedRunEnds()
    {
        string first = TempDirectory(), second = TempDirectory();
        try
        {
            TrainReport straight = TrainRun.Run(new TrainRequest("pendulum", "ppo-kl", 16_384, 5) { OutputDirectory = first });
            // The same run (same budget, so the same learning-rate schedule) interrupted after 8192 steps.
            (IAlgorithm algorithm, RunDescription run) = Algorithms.Start("ppo-kl", "pendulum", 16_384, 5, (env, copies, seed) => Envs.MakeVector(env, copies, seed));
            Trainer.Train(algorithm, new TrainerOptions { TotalSteps = 8192, OutputDirectory = second }, describe: c => c.PutJson(RunDescription.Section, run));
            TrainReport resumed = TrainRun.Run(new TrainRequest("pendulum", "ppo-kl", 16_384, 5) { OutputDirectory = second, Resume = Path.Combine(second, "checkpoint.ctl") });
            Assert.Equal(straight.Training.EnvSteps, resumed.Training.EnvSteps);
            Assert.Equal(straight.Evaluation.Returns, resumed.Evaluation.Returns);
        }
        finally
        {
            foreach (string d in new[] { first, second }) if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
        }
    }

    [Fact]
    public void TheEvaluationOfTheCheckpointRepeatsTheRunsOwn()
    {
        string dir = TempDirectory();
        try
        {
            TrainReport report = TrainRun.Run(new TrainRequest("cartpole", "a2c", 2000, 2) { OutputDirectory = dir });
            Assert.Equal(Path.Combine(dir, "checkpoint.ctl"), report.Checkpoint);
            EvalReport evaluated = TrainRun.Evaluate(new EvalRequest(report.Checkpoint!) { Seed = 1_000_000 + 1000 * 2 });
            Assert.Equal((report.Algo, report.Env, report.EnvSteps, TrainRun.EvaluationEpisodes), (evaluated.Algo, evaluated.Env, evaluated.EnvSteps, evaluated.Episodes));
            Assert.Equal(report.EvalReturn, evaluated.EvalReturn);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ResumingACheckpointOfAnotherRunSaysWhatItHolds()
    {
        string dir = TempDirectory();
        try
        {
            TrainRun.Run(new TrainRequest("cartpole", "reinforce", 1000, 0) { OutputDirectory = dir });
            var e = Assert.Throws<ArgumentException>(() => TrainRun.Run(new TrainRequest("cartpole", "a2c", 2000, 0) { Resume = Path.Combine(dir, "checkpoint.ctl") }));
            Assert.Contains("the checkpoint is of reinforce on cartpole; expected a2c on cartpole", e.Message);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
