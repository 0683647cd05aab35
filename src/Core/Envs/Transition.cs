namespace Control.Core.Envs;

/// <summary>A step's full outcome, with its own observation array (the convenient, allocating form).</summary>
public readonly record struct Transition(double[] Observation, double Reward, bool Terminated, bool Truncated)
{
    /// <summary>Terminated or truncated.</summary>
    public bool Done => Terminated || Truncated;
}
