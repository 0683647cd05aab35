namespace Control.Bench.Runs;

/// <summary>What `control bench soak` measured.</summary>
/// <param name="MinutesPerPhase">The budget of each phase.</param>
/// <param name="Phases">Training, planning and the control loop.</param>
public sealed record SoakBenchReport(double MinutesPerPhase, IReadOnlyList<SoakPhase> Phases)
{
    /// <summary>Whether no phase leaked or slowed down.</summary>
    public bool Passed => Phases.All(p => !p.Leak && !p.Slowdown);
}
