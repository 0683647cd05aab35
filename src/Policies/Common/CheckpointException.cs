namespace Control.Policies.Common;

/// <summary>A checkpoint file could not be read: wrong format, version, checksum, or contents that do not fit.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
