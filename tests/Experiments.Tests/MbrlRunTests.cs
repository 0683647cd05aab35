// The model-based loop as a library call: the documented configuration comes close to the true model, and a seed
// repeats the run.
namespace Control.Experiments.Tests;

public class MbrlRunTests
{
    [Fact]
    public void IlqrOnALearnedPendulumModelComesCloseToTheTrueModel()
    {
        MbrlReport report = MbrlRun.Run(new MbrlRequest("pendulum", "mpc-ilqr", 2000, 1));
        Assert.Equal(2000, report.EnvSteps);
        Assert.True(report.Score >= 0.9, $"score {report.Score}");
        Assert.True(report.ReturnLearned > report.ReturnRandom);
        Assert.Equal(9, report.Iterations.Count);
    }

    [Fact]
    public void ASeedRepeatsTheRun()
    {
        var request = new MbrlRequest("pendulum", "mpc-ilqr", 600, 4);
        var seen = new List<Control.ModelBased.ModelBasedIteration>();
        MbrlReport a = MbrlRun.Run(request, seen.Add), b = MbrlRun.Run(request);
        Assert.Equal(a.Iterations.Count, seen.Count);
        Assert.Equal(a.ReturnLearned, b.ReturnLearned);
        Assert.Equal((a.WorstEpisodeReturn, a.Fallbacks), (b.WorstEpisodeReturn, b.Fallbacks));
        // Everything but the wall-clock fields repeats exactly.
        Assert.Equal(a.Iterations.Select(i => (i.EnvSteps, i.HoldoutLoss, i.MultiStepError, i.EpisodeReturn)),
            b.Iterations.Select(i => (i.EnvSteps, i.HoldoutLoss, i.MultiStepError, i.EpisodeReturn)));
        Assert.Equal(a.Iterations.Select(i => (i.WorstEpisodeReturn, i.Fallbacks)), b.Iterations.Select(i => (i.WorstEpisodeReturn, i.Fallbacks)));
    }

    [Fact]
    public void TheWorstEpisodeIsTheLowestOfTheLoopAndTheEvaluationAndBadWeightsAreRefused()
    {
        MbrlReport report = MbrlRun.Run(new MbrlRequest("pendulum", "mpc-ilqr", 600, 4));
        Assert.Equal(report.Iterations.Min(i => i.EpisodeReturn), report.Iterations[^1].WorstEpisodeReturn);
        Assert.True(report.WorstEpisodeReturn <= report.Iterations[^1].WorstEpisodeReturn);
        Assert.True(report.WorstEpisodeReturn <= report.ReturnLearned);
        Assert.True(report.Iterations.Sum(i => i.Fallbacks) <= report.Fallbacks);
        var error = Assert.Throws<ArgumentException>(() => MbrlRun.Run(new MbrlRequest("pendulum", "mpc-ilqr", 600, 4, SupportWeight: double.NaN)));
        Assert.Contains("--support-weight", error.Message);
    }
}
