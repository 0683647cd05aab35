namespace Control.Core.Envs;

/// <summary>An action of the wrong length, with NaN/Inf, or outside a Discrete space.</summary>
public sealed class InvalidActionException(string envName, string message) : EnvException(envName, message);
