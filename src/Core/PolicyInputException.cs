namespace Control.Core;

/// <summary>
/// An observation or action buffer that a policy cannot take (wrong length, not finite, out of range): refused before
/// anything reaches the robot; the message says what was expected and what came.
/// </summary>
public sealed class PolicyInputException(string message) : ArgumentException(message);
