// Typed errors of the environment layer. Each message names the env, what was expected and what came.
namespace Control.Dynamics;

/// <summary>Base of errors raised by an environment; <see cref="EnvName"/> says which.</summary>
public class EnvException(string envName, string message) : Exception($"{envName}: {message}.")
{
    /// <summary>Name of the env that raised the error.</summary>
    public string EnvName { get; } = envName;
}

/// <summary>An action of the wrong length, with NaN/Inf, or outside a Discrete space.</summary>
public sealed class InvalidActionException(string envName, string message) : EnvException(envName, message);

/// <summary>A state of the wrong length or with NaN/Inf given to SetState or a rollout.</summary>
public sealed class InvalidStateException(string envName, string message) : EnvException(envName, message);

/// <summary>A call in the wrong order: Step before Reset, or Step after the episode ended.</summary>
public sealed class EnvStateException(string envName, string message) : EnvException(envName, message);

/// <summary>A name that is not in the registry; the message lists the known names.</summary>
public sealed class UnknownEnvException(string envName, string message) : EnvException(envName, message);
