namespace Control.Core.Envs;

/// <summary>A call in the wrong order: Step before Reset, or Step after the episode ended.</summary>
public sealed class EnvStateException(string envName, string message) : EnvException(envName, message);
