namespace Control.Bench.Runs;

/// <summary>The MuJoCo bench on one task and thread count.</summary>
/// <param name="Env">The env whose model was stepped (mj-...).</param>
/// <param name="Threads">Threads stepping at once, each with its own workspace (C: its own mjData).</param>
/// <param name="ControlStepsPerSecond">mj_steps per second through MuJoCoDynamics.Step, all threads together (median of the repeats).</param>
/// <param name="CStepsPerSecond">mj_steps per second of the same loop in C; null when the C program could not be built.</param>
/// <param name="RatioVsC">Control / C step rate; null without the C program.</param>
/// <param name="FdForwardUs">Microseconds per MuJoCoDynamics.Linearize (forward differences, Substeps 1, next state and checks included); one thread, null on two-thread rows.</param>
/// <param name="FdCenteredUs">The same with centred differences; null on two-thread rows.</param>
/// <param name="CFdForwardUs">Microseconds per mjd_transitionFD call alone in C (forward); null on two-thread rows or without the C program.</param>
/// <param name="CFdCenteredUs">The same, centred; null on two-thread rows or without the C program.</param>
/// <param name="ControlStepsPerCpuSecond">mj_steps per second of the stepping threads' own CPU time (time slices lost to other processes not counted); null where the thread CPU clock is unavailable.</param>
/// <param name="CStepsPerCpuSecond">The same for C; null without the C program.</param>
/// <param name="RatioVsCCpu">Control / C per CPU second: the interop cost free of the machine's load.</param>
public sealed record MuJoCoBenchRow(string Env, int Threads, double ControlStepsPerSecond, double? CStepsPerSecond, double? RatioVsC,
    double? FdForwardUs, double? FdCenteredUs, double? CFdForwardUs, double? CFdCenteredUs, double? ControlStepsPerCpuSecond, double? CStepsPerCpuSecond,
    double? RatioVsCCpu);
