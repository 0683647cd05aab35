namespace Control.Policies.Common;

/// <summary>An observation or action buffer that an inference policy cannot take (wrong length, not finite); the message says what was expected and what came.</summary>
public sealed class PolicyInputException(string message) : ArgumentException(message);
