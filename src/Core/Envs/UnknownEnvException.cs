namespace Control.Core.Envs;

/// <summary>A name that is not in the registry; the message lists the known names.</summary>
public sealed class UnknownEnvException(string envName, string message) : EnvException(envName, message);
