// Offline training: a policy learned from a logged dataset by an algorithm of the offline registry (fitted
// Q-iteration, behaviour cloning), the env giving only the spaces and the evaluation. The dataset is read and checked
// whole before anything is written; then the run is a Trainer run like any other, with an iteration budget instead of
// env steps (behaviour cloning: exactly one iteration, its fit):
// metrics.csv (one row per iteration, with a short evaluation), checkpoints with the sections every algorithm uses plus
// the dataset's description, and the final evaluation over 20 episodes of the greedy policy.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.Offline;
using Control.Policies.Registry;
using Control.Robots;

namespace Control.Experiments;

/// <summary>Training and resuming offline runs (`control train --dataset`).</summary>
public static class OfflineTrainRun
{
    /// <summary>Iterations of an offline run when the request names none.</summary>
    public const int DefaultIterations = 100;

    /// <summary>Episodes of the evaluation after every iteration (the metric eval/return).</summary>
    public const int IterationEvaluationEpisodes = 5;

    /// <summary>
    /// Reads and checks <see cref="TrainRequest.Dataset"/> against the env's spaces, trains (or resumes) until
    /// <see cref="TrainRequest.Iterations"/> iterations, then evaluates the greedy policy over
    /// <see cref="TrainRun.EvaluationEpisodes"/> episodes at seeds 1,000,000 + 1000 seed + k. After every iteration the
    /// greedy policy plays <see cref="IterationEvaluationEpisodes"/> episodes at seeds 2,000,000 + 1000 seed + k.
    /// <paramref name="progress"/> sees every iteration (return false to stop).
    /// </summary>
    /// <exception cref="OfflineDatasetException">The dataset does not fit the env (nothing is written).</exception>
    /// <exception cref="ArgumentException">The algorithm is not an offline one, or the budget is not positive.</exception>
    public static TrainReport Run(TrainRequest request, Func<TrainingProgress, bool>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        string path = request.Dataset ?? throw new ArgumentException("an offline run needs a dataset (--dataset F.csv|F.bin)");
        if (!OfflineAlgorithms.Contains(request.Algorithm))
        {
            throw new ArgumentException(
                $"--dataset trains offline with one of {string.Join(", ", OfflineAlgorithms.Names)}; got --algo {request.Algorithm}, which trains on the env (drop --dataset)");
        }
        int? fixedIterations = OfflineAlgorithms.Get(request.Algorithm).FixedIterations;
        int iterations = request.Iterations ?? fixedIterations ?? DefaultIterations;
        if (iterations <= 0) throw new ArgumentException($"expected a positive --iterations, got {iterations}");
        if (fixedIterations is int only && iterations != only)
            throw new ArgumentException($"--algo {request.Algorithm} runs exactly {only} iteration(s) (one fit, early stopping picks its epoch); expected no --iterations or {only}, got {iterations}");
        IEnv env = Envs.Make(request.Env);
        OfflineDataset data = OfflineDataset.Load(path, request.Env, env.ObservationSpace, env.ActionSpace);

        IAlgorithm algorithm;
        RunDescription run;
        if (request.Config is not null && request.Resume is not null)
            throw new ArgumentException($"{request.Resume}: a resumed run keeps its checkpoint's config; drop --config and --set");
        if (request.Resume is not null)
        {
            Checkpoint checkpoint = Checkpoint.Load(request.Resume);
            RunDescription stored = checkpoint.GetJson<RunDescription>(RunDescription.Section);
            if (stored.Algorithm != request.Algorithm || stored.Env != request.Env)
                throw new ArgumentException($"{request.Resume}: the checkpoint is of {stored.Algorithm} on {stored.Env}; expected {request.Algorithm} on {request.Env} as given by --algo and --env");
            (algorithm, run) = OfflineAlgorithms.Restore(checkpoint, env.ObservationSpace, env.ActionSpace, data, Evaluator(request.Env, stored.Seed));
        }
        else
        {
            (algorithm, run) = OfflineAlgorithms.StartWith(request.Algorithm, data, request.Config ?? OfflineAlgorithms.Get(request.Algorithm).Preset(request.Env), request.Seed,
                Evaluator(request.Env, request.Seed));
        }
        var callbacks = new List<Func<TrainingProgress, bool>>();
        if (progress is not null) callbacks.Add(progress);
        TrainingResult training = Trainer.Train(algorithm,
            new TrainerOptions { TotalSteps = 0, TotalIterations = iterations, OutputDirectory = request.OutputDirectory, CheckpointEvery = request.CheckpointEvery },
            callbacks, c => c.PutJson(RunDescription.Section, run));
        long evalSeed = Evaluation.SeedOf(run.Seed);
        EvaluationResult evaluation = Evaluation.Run(algorithm.Policy(deterministic: true, evalSeed), s => Envs.Make(request.Env, s), TrainRun.EvaluationEpisodes, evalSeed);
        string? checkpointPath = request.OutputDirectory is null ? null : Path.Combine(request.OutputDirectory, Trainer.CheckpointFile);
        return new TrainReport(run, training, evaluation, checkpointPath) { Dataset = data.Source, DatasetRows = data.Count };
    }

    // The mean return of a policy over the per-iteration evaluation episodes, apart from the final evaluation's seeds.
    private static Func<IPolicy, double> Evaluator(string env, long seed)
        => policy => Evaluation.Run(policy, s => Envs.Make(env, s), IterationEvaluationEpisodes, 2_000_000 + 1000 * seed).Mean;
}
