namespace Control.Core.Envs;

/// <summary>A state of the wrong length or with NaN/Inf given to SetState or a rollout.</summary>
public sealed class InvalidStateException(string envName, string message) : EnvException(envName, message);
