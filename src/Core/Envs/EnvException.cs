// Typed errors of the environment layer. Each message names the env, what was expected and what came.
namespace Control.Core.Envs;

/// <summary>Base of errors raised by an environment; <see cref="EnvName"/> says which.</summary>
public class EnvException(string envName, string message) : Exception($"{envName}: {message}.")
{
    /// <summary>Name of the env that raised the error.</summary>
    public string EnvName { get; } = envName;
}
