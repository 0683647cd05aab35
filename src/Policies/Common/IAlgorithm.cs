// The training plumbing every algorithm shares: the IAlgorithm contract (one Iterate = collect + update),
// the Trainer loop (step budget, callbacks that can stop it, CSV metrics, periodic checkpoints), evaluation
// episodes, and the inference policy (InferencePolicy, acted through PolicyActor) that controllers and the CLI use.
using Control.Core;
using Control.Core.Episodes;

namespace Control.Policies.Common;

/// <summary>
/// A training algorithm bound to its env. <see cref="Iterate"/> runs one iteration (collect experience, update);
/// metrics use namespaced keys ("rollout/episode_return", "train/policy_loss", ...), the same set every iteration.
/// </summary>
public interface IAlgorithm
{
    /// <summary>Short name, as on the command line ("ppo", "dqn").</summary>
    string Name { get; }

    /// <summary>What the policy reads: the env's observation (the default), or the robot's state (model-based learners such as SVG).</summary>
    PolicyInput Input => PolicyInput.Observation;

    /// <summary>Env steps taken so far (all copies of a vector env).</summary>
    long EnvSteps { get; }

    /// <summary>Iterations done so far.</summary>
    int Iterations { get; }

    /// <summary>One iteration: collect experience, update; returns the iteration's metrics.</summary>
    IReadOnlyDictionary<string, double> Iterate();

    /// <summary>
    /// A copy of the current policy for inference (frozen observation statistics, network, action head, bounds):
    /// what checkpoints store under the policy/* sections and what an exporter takes.
    /// </summary>
    InferencePolicy InferencePolicy();

    /// <summary>
    /// The current policy acting on raw env observations: <see cref="InferencePolicy"/>'s deterministic action, or a
    /// sample (a DQN explores epsilon-greedily) from a generator seeded with <paramref name="seed"/>.
    /// </summary>
    IPolicy Policy(bool deterministic, long seed = 0);

    /// <summary>Adds everything needed to resume exactly (weights, optimizer, statistics, generators, envs, counters).</summary>
    void Save(Checkpoint checkpoint);

    /// <summary>Restores what <see cref="Save"/> wrote into an algorithm made with the same config and env.</summary>
    /// <exception cref="CheckpointException">The checkpoint does not fit this algorithm.</exception>
    void Load(Checkpoint checkpoint);
}
