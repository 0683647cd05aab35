namespace Control.Experiments;

/// <summary>
/// Demo stage 7: the PPO policy of stage 6 exported to ONNX, reloaded in ONNX Runtime and run through the fixed-rate
/// control loop on the simulated cart-pole (on a simulated clock for the returns, at 1 kHz on the wall clock for the
/// timing); or why it could not run (ONNX Runtime's native library missing).
/// </summary>
/// <param name="ParityMaxAbsDiff">Largest difference (null when the stage did not run) of ONNX Runtime's outputs from Control's on the export's parity observations.</param>
/// <param name="ActionMismatches">Parity observations whose discrete action differs.</param>
/// <param name="Episodes">Episodes run in the loop on a simulated clock, on the evaluation seeds of stage 6.</param>
/// <param name="MeanReturn">Their mean return (null when the stage did not run).</param>
/// <param name="ReturnsEqualEvaluation">Whether every return equals stage 6's evaluation of the checkpoint on the same seed.</param>
/// <param name="RateHz">The wall-clock run's rate.</param>
/// <param name="TickUsP50">Median time of a tick's work in the wall-clock run, microseconds (null when the stage did not run).</param>
/// <param name="TickUsP99">Its 99th percentile.</param>
/// <param name="DeadlineMisses">Ticks of the wall-clock run whose action came after the deadline.</param>
/// <param name="WatchdogTrips">Ticks of the wall-clock run on which the watchdog applied the fallback action.</param>
/// <param name="Unavailable">Why the stage did not run, or null when it did.</param>
public sealed record DemoDeploy(double? ParityMaxAbsDiff, int ActionMismatches, int Episodes, double? MeanReturn, bool ReturnsEqualEvaluation,
    double RateHz, double? TickUsP50, double? TickUsP99, long DeadlineMisses, long WatchdogTrips, string? Unavailable);
