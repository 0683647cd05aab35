// `control mbrl`'s run resumed from the checkpoint of every iteration boundary: the report (returns, worst episode,
// fallbacks, iterations but their wall-clock fields) equals the straight run's, and mbrl.csv, left as the straight run
// wrote it past the checkpoint, is cut back to the checkpoint's rows and continued to the same rows (fit_seconds
// aside). A checkpoint of another run (seed, method, steps) or of `control train` is refused naming the file and
// what differs.
using System.Globalization;
using Control.Experiments.Artifacts;
using Control.ModelBased;
using Control.Policies.Common;

namespace Control.Experiments.Tests;

public class MbrlResumeTests
{
    [Fact]
    public void ARunResumedAtEveryIterationBoundaryReportsAsTheStraightRun()
    {
        string root = Path.Combine(Path.GetTempPath(), $"ctl-mbrl-resume-{Guid.NewGuid():N}");
        try
        {
            string straightDir = Path.Combine(root, "straight");
            var request = new MbrlRequest("pendulum", "mpc-ilqr", 600, 4) { OutputDirectory = straightDir };
            var boundaries = new List<string>();
            // When iteration k is reported, the directory's checkpoint is still boundary k - 1's.
            MbrlReport expected = MbrlRun.Run(request, _ => boundaries.Add(Keep(straightDir, boundaries.Count)));
            boundaries.Add(Keep(straightDir, boundaries.Count));
            Assert.Equal(3, boundaries.Count);
            string[] straightRows = File.ReadAllLines(Path.Combine(straightDir, RunFiles.ModelBasedIterations));

            for (int b = 0; b < boundaries.Count; b++)
            {
                string dir = Path.Combine(root, $"resumed{b}");
                Directory.CreateDirectory(dir);
                File.Copy(Path.Combine(straightDir, RunFiles.ModelBasedIterations), Path.Combine(dir, RunFiles.ModelBasedIterations));
                MbrlReport actual = MbrlRun.Run(request with { OutputDirectory = dir, Resume = boundaries[b] });
                Assert.Equal((expected.ReturnLearned, expected.ReturnTrueModel, expected.ReturnRandom), (actual.ReturnLearned, actual.ReturnTrueModel, actual.ReturnRandom));
                Assert.Equal((expected.WorstEpisodeReturn, expected.Fallbacks, expected.EnvSteps), (actual.WorstEpisodeReturn, actual.Fallbacks, actual.EnvSteps));
                Assert.Equal(expected.Iterations.Select(WithoutTiming), actual.Iterations.Select(WithoutTiming));
                string[] rows = File.ReadAllLines(Path.Combine(dir, RunFiles.ModelBasedIterations));
                Assert.Equal(straightRows.Take(b + 1), rows.Take(b + 1));
                Assert.Equal(straightRows.Select(WithoutFitSeconds), rows.Select(WithoutFitSeconds));
            }
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ACheckpointOfAnotherRunIsRefusedNamingTheFileAndTheDifference()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ctl-mbrl-refuse-{Guid.NewGuid():N}");
        try
        {
            // 200 steps: the random collection only, a checkpoint at once.
            var request = new MbrlRequest("pendulum", "mpc-ilqr", 200, 4) { OutputDirectory = dir, CheckpointEvery = 0 };
            MbrlRun.Run(request);
            string path = Path.Combine(dir, RunFiles.ModelBasedCheckpoint);
            foreach ((MbrlRequest other, string difference) in new[]
            {
                (request with { Seed = 5 }, "seed 5"),
                (request with { Method = "mpc-cem" }, "expected mpc-cem"),
                (request with { Steps = 400 }, "400 steps"),
                (request with { Watch = false }, "unwatched"),
            })
            {
                var error = Assert.Throws<CheckpointException>(() => MbrlRun.Run(other with { OutputDirectory = null, Resume = path }));
                Assert.Contains(path, error.Message);
                Assert.Contains(difference, error.Message);
            }

            var train = new Checkpoint();
            train.PutJson("run", new { Algorithm = "ppo" });
            string trainPath = Path.Combine(dir, RunFiles.Checkpoint);
            train.Save(trainPath);
            var notMbrl = Assert.Throws<CheckpointException>(() => MbrlRun.Run(request with { OutputDirectory = null, Resume = trainPath }));
            Assert.Contains(trainPath, notMbrl.Message);
            Assert.Contains(MbrlRun.RunSection, notMbrl.Message);

            Assert.Throws<ArgumentException>(() => MbrlRun.Run(request with { CheckpointEvery = -1 }));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    // A copy of the directory's checkpoint as boundary b's.
    private static string Keep(string directory, int b)
    {
        string copy = Path.Combine(directory, $"boundary{b}.ctl");
        File.Copy(Path.Combine(directory, RunFiles.ModelBasedCheckpoint), copy);
        return copy;
    }

    private static ModelBasedIteration WithoutTiming(ModelBasedIteration it) => it with { FitSeconds = 0, FitTransitionsPerSecond = 0 };

    // A row of mbrl.csv without its last column, fit_seconds.
    private static string WithoutFitSeconds(string row)
    {
        Assert.True(row.StartsWith("env_steps", StringComparison.Ordinal) || double.TryParse(row.Split(',')[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out _), row);
        return row[..row.LastIndexOf(',')];
    }
}
