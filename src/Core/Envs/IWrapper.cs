namespace Control.Core.Envs;

/// <summary>An env that wraps another (a wrapper); <see cref="EnvExtensions.Find{T}"/> walks the chain.</summary>
public interface IWrapper
{
    /// <summary>The wrapped env.</summary>
    IEnv Inner { get; }
}
