namespace Control.Bench.Runs;

/// <summary>The planners bench.</summary>
/// <param name="Table">The task x planner table.</param>
/// <param name="ColdIlqr">Cold iLQR solves per stage count and thread count.</param>
/// <param name="WarmIlqrMpc">Warm-started iLQR-MPC speed.</param>
public sealed record PlannerBenchReport(IReadOnlyList<PlannerTableRow> Table, IReadOnlyList<ColdSolve> ColdIlqr, WarmMpcFigure WarmIlqrMpc);
