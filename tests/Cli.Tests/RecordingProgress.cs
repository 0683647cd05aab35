// An IRunProgress that keeps every report, for the tests of the live progress of the runs and the benches.
using Control.Experiments.Progress;

namespace Control.Cli.Tests;

internal sealed class RecordingProgress : IRunProgress
{
    public List<(string Stage, double Done, double Total, KeyFigure[] Figures)> Calls { get; } = [];

    public void Report(string stage, double done, double total, IReadOnlyList<KeyFigure> figures) => Calls.Add((stage, done, total, [.. figures]));

    /// <summary>Asserts that there were reports, and that every stage's count only grew, kept its total and ended at it.</summary>
    public void AssertMonotoneToCompletion()
    {
        Assert.NotEmpty(Calls);
        foreach (IGrouping<string, (string Stage, double Done, double Total, KeyFigure[] Figures)> stage in Calls.GroupBy(c => c.Stage))
        {
            var calls = stage.ToList();
            Assert.True(calls.All(c => c.Total == calls[0].Total && c.Total > 0), $"{stage.Key}: the total changed or is not positive");
            Assert.True(calls.Zip(calls.Skip(1)).All(p => p.First.Done <= p.Second.Done), $"{stage.Key}: the count went back");
            Assert.True(calls.All(c => c.Done >= 0 && c.Done <= c.Total), $"{stage.Key}: a count outside 0..total");
            Assert.True(calls[^1].Done == calls[^1].Total, $"{stage.Key}: ended at {calls[^1].Done} of {calls[^1].Total}");
        }
    }
}
