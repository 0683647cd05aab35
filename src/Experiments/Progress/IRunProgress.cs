// A live view of a long run: the Experiments runs and the benches report to it as they go, and the command line
// draws it (a progress bar with its ETA on a terminal). Behind this interface so that no library depends on a
// console library; a run given none reports nothing.
namespace Control.Experiments.Progress;

/// <summary>Receives a long run's progress as it goes.</summary>
public interface IRunProgress
{
    /// <summary>
    /// Reports that <paramref name="done"/> of <paramref name="total"/> units of the stage <paramref name="stage"/>
    /// are finished (units the stage chooses: env steps, iterations, labels, rows), with the current key figures.
    /// Stages are told apart by name: a new name starts a new bar.
    /// </summary>
    void Report(string stage, double done, double total, IReadOnlyList<KeyFigure> figures);
}
