namespace Control.Planning.Tabular;

/// <summary>
/// A table that is not a valid finite MDP: wrong sizes, a successor out of range, a probability outside [0, 1],
/// a non-finite entry, a row that does not sum to one, or a row never given. The message names what was expected
/// and what came.
/// </summary>
public sealed class InvalidMdpException(string message) : ArgumentException(message);
