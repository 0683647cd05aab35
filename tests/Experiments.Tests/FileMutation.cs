namespace Control.Experiments.Tests;

/// <summary>One way of damaging a valid file.</summary>
/// <param name="Kind">truncate, flip (one bit), huge (a 4-byte field overwritten by a huge or negative integer), version (the format's version field), splice (a span deleted or duplicated), text (a line or a cell of a text file replaced).</param>
/// <param name="Position">Where (a byte, a bit, or a line index, by kind).</param>
/// <param name="Value">The integer written (huge, version) or the length (splice), or which replacement (text).</param>
/// <param name="Reseal">Recompute the format's checksum afterwards, so that the parser behind the checksum sees the damage.</param>
public sealed record FileMutation(string Kind, int Position, int Value, bool Reseal);
