// Logged datasets for offline learning: a behaviour policy (uniform random actions, or any trained checkpoint's greedy
// policy, with epsilon-random exploration) run on an env for a number of steps, every transition recorded as
// (observation, action, next observation, reward, terminated) and written atomically as CSV or in the binary
// format. What `control collect` runs; `control train --dataset` reads the result.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Dynamics.Data;
using Control.Policies.Common;
using Control.Policies.Registry;
using Control.Robots;

namespace Control.Experiments;

/// <summary>Writes a logged dataset.</summary>
public static class CollectRun
{
    /// <summary>Prefix of a checkpoint behaviour policy in <see cref="CollectRequest.Policy"/>.</summary>
    public const string CheckpointPrefix = "checkpoint:";

    /// <summary>Runs the behaviour policy for <see cref="CollectRequest.Steps"/> steps and writes the file.</summary>
    /// <exception cref="ArgumentException">A bad option, a checkpoint of another env, or a policy that reads the robot's state.</exception>
    /// <exception cref="CheckpointException">The checkpoint is missing or unreadable.</exception>
    public static CollectReport Run(CollectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Steps <= 0) throw new ArgumentException($"expected a positive --steps, got {request.Steps}");
        if (!(request.Epsilon >= 0 && request.Epsilon <= 1)) throw new ArgumentException($"expected --epsilon in [0, 1], got {request.Epsilon}");
        ArgumentException.ThrowIfNullOrEmpty(request.Out);
        IEnv env = Envs.Make(request.Env, request.Seed);
        IPolicy? behaviour = BehaviourPolicy(request, env);
        var data = new TransitionDataset(env.ObservationSpace.FlatSize, env.ActionSpace.FlatSize, request.Steps);
        IReadOnlyList<double> returns = TransitionCollector.Collect(env, behaviour, request.Steps, request.Seed, data, PolicyInput.Observation);
        if (request.Out.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) data.ExportCsv(request.Out);
        else data.Save(request.Out);
        int terminations = 0;
        foreach (bool t in data.Terminated) terminations += t ? 1 : 0;
        return new CollectReport(request.Env, request.Policy, request.Epsilon, request.Seed, data.Count, returns.Count,
            returns.Count > 0 ? returns.Average() : null, terminations, Path.GetFullPath(request.Out));
    }

    // Null for uniform random actions (the collector draws them); otherwise the checkpoint's greedy policy with epsilon-random actions.
    private static IPolicy? BehaviourPolicy(CollectRequest request, IEnv env)
    {
        if (request.Policy == "random") return null;
        if (!request.Policy.StartsWith(CheckpointPrefix, StringComparison.Ordinal))
            throw new ArgumentException($"expected --policy random or {CheckpointPrefix}PATH, got '{request.Policy}'");
        string path = request.Policy[CheckpointPrefix.Length..];
        (IAlgorithm algorithm, RunDescription run) = TrainRun.Restore(Checkpoint.Load(path));
        if (run.Env != request.Env)
            throw new ArgumentException($"{path}: the checkpoint's policy acts on {run.Env}; expected one of {request.Env} as given by --env");
        if (algorithm.Input != PolicyInput.Observation)
            throw new ArgumentException($"{path}: {run.Algorithm}'s policy reads the robot's state, and a logged dataset records the env's observations; expected a policy on observations");
        IPolicy greedy = algorithm.Policy(deterministic: true, request.Seed);
        return request.Epsilon > 0 ? new EpsilonRandomPolicy(greedy, env.ActionSpace, request.Epsilon, new Rng(request.Seed).Fork(1)) : greedy;
    }
}
