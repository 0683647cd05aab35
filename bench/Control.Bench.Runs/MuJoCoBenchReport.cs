using System.Text.Json.Serialization;

namespace Control.Bench.Runs;

/// <summary>The MuJoCo bench: C# against the same loop in C.</summary>
/// <param name="Rows">Per task, one thread then two.</param>
/// <param name="Repeats">Alternating C and C# runs per figure (the median is reported).</param>
/// <param name="Horizon">Steps between resets of the state to [qpos0, 0, 0].</param>
/// <param name="TrajectoriesMatch">True when every C# run ended in exactly the state of its C run (same controls, same trajectory); null without the C program.</param>
/// <param name="Mismatches">The runs whose final states differed (what, and both checksums); empty when they all matched.</param>
/// <param name="MuJoCo">MuJoCo's version (mj_version, e.g. 222); "mujoco" in JSON.</param>
/// <param name="Cpu">The processor as CPUID reports it.</param>
/// <param name="LoadBefore">The 1-minute load average before the runs (/proc/loadavg; null where there is none).</param>
/// <param name="LoadAfter">The 1-minute load average after the runs.</param>
/// <param name="CError">Why the C program could not be built or run; null when it ran.</param>
public sealed record MuJoCoBenchReport(IReadOnlyList<MuJoCoBenchRow> Rows, int Repeats, int Horizon, bool? TrajectoriesMatch, IReadOnlyList<string> Mismatches,
    [property: JsonPropertyName("mujoco")] int MuJoCo,
    string Cpu, double? LoadBefore, double? LoadAfter, string? CError);
