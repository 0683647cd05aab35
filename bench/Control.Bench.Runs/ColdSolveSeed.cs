namespace Control.Bench.Runs;

/// <summary>One cold iLQR solve: the fastest of the timed solves (they are identical), its outcome and phase split.</summary>
/// <param name="Seed">Seed of the initial state.</param>
/// <param name="Stages">Cold stages (horizon continuation).</param>
/// <param name="Threads">Threads of the planner.</param>
/// <param name="SolveMs">Solve time (ms).</param>
/// <param name="Iterations">Iterations.</param>
/// <param name="Converged">The solve met its convergence test.</param>
/// <param name="Cost">Cost of the plan.</param>
/// <param name="FinalStateAtGoal">The plan's final state is at the goal.</param>
/// <param name="LastSecondAtGoal">Every state of the plan's last second is at the goal.</param>
/// <param name="RolloutMs">Time in rollouts, over the solve (ms).</param>
/// <param name="DerivativesMs">Time in derivatives per iteration (ms).</param>
/// <param name="BackwardMs">Time in the backward pass per iteration (ms).</param>
/// <param name="LineSearchMs">Time in the line search per iteration (ms).</param>
/// <param name="PerIterationMs">Solve time per iteration (ms).</param>
public sealed record ColdSolveSeed(long Seed, int Stages, int Threads, double SolveMs, int Iterations, bool Converged, double Cost,
    bool FinalStateAtGoal, bool LastSecondAtGoal, double RolloutMs, double DerivativesMs, double BackwardMs,
    double LineSearchMs, double PerIterationMs);
