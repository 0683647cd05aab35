namespace Control.Core.Envs;

/// <summary>What one step returned besides the observation.</summary>
/// <param name="Reward">Reward of the transition.</param>
/// <param name="Terminated">The episode reached a terminal state of the MDP (no bootstrapping past it).</param>
/// <param name="Truncated">The episode was cut short (time limit); the state is not terminal.</param>
public readonly record struct StepResult(double Reward, bool Terminated, bool Truncated)
{
    /// <summary>Terminated or truncated: the episode is over and the env needs a reset.</summary>
    public bool Done => Terminated || Truncated;
}
