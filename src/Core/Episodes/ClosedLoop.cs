// Runs a state-feedback policy (an MPC controller, an LQR or trajectory policy) on an env for one episode, through
// the one episode loop (EpisodeRunner): what every planner benchmark and `control plan` share. The policy reads the env's true state; the env's own
// step gives the reward, so the return is exactly what the env reports.
using Control.Core.Envs;

namespace Control.Core.Episodes;

/// <summary>Closed-loop episodes of a policy that acts on the full state.</summary>
public static class ClosedLoop
{
    /// <summary>
    /// Resets <paramref name="env"/> with <paramref name="seed"/> and steps it with <paramref name="policy"/>
    /// (fed the true state) until the episode ends or <paramref name="maxSteps"/> steps were taken.
    /// </summary>
    public static ClosedLoopResult Run(IEnv env, IPolicy policy, long seed, int maxSteps = int.MaxValue)
    {
        var runner = new EpisodeRunner(env, PolicyInput.State);
        EpisodeResult episode = runner.Run(policy, seed, maxSteps);
        return new ClosedLoopResult(episode.Return, episode.Steps, episode.Success, runner.FinalState.ToArray());
    }
}
