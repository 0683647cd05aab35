// Model-free training of a policy on a registered env with an algorithm of the registry, with a CSV log and
// checkpoints, and a final evaluation over 20 episodes of the deterministic policy; and the evaluation of a
// checkpoint. What `control train` and `control eval` run. A run with a dataset is offline (OfflineTrainRun).
using Control.Core.Envs;
using Control.ModelBased.Registry;
using Control.Policies.Common;
using Control.Policies.Registry;
using Control.Robots;

namespace Control.Experiments;

/// <summary>Training, resuming and evaluating model-free runs.</summary>
public static class TrainRun
{
    /// <summary>Evaluation episodes at the end of training and by default in <see cref="Evaluate"/>.</summary>
    public const int EvaluationEpisodes = 20;

    /// <summary>
    /// Trains until <see cref="TrainRequest.Steps"/> env steps (or resumes a checkpoint), then evaluates the deterministic
    /// policy over <see cref="EvaluationEpisodes"/> episodes at seeds 1,000,000 + 1000 seed + k. <paramref name="progress"/>
    /// sees every iteration (return false to stop).
    /// </summary>
    public static TrainReport Run(TrainRequest request, Func<TrainingProgress, bool>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Dataset is not null) return OfflineTrainRun.Run(request, progress);
        if (OfflineAlgorithms.Contains(request.Algorithm))
            throw new ArgumentException($"{request.Algorithm} learns from a logged dataset: give --dataset F.csv|F.bin (`control collect` writes one)");
        if (request.Iterations is not null)
            throw new ArgumentException($"--iterations is the budget of an offline run (with --dataset); {request.Algorithm} on the env trains for --steps env steps");
        if (request.Steps <= 0) throw new ArgumentException($"expected a positive --steps, got {request.Steps}");
        IAlgorithm algorithm;
        RunDescription run;
        if (request.Resume is not null)
        {
            (algorithm, run) = Restore(Checkpoint.Load(request.Resume));
            if (run.Algorithm != request.Algorithm || run.Env != request.Env)
                throw new ArgumentException($"{request.Resume}: the checkpoint is of {run.Algorithm} on {run.Env}; expected {request.Algorithm} on {request.Env} as given by --algo and --env");
        }
        else
        {
            (algorithm, run) = ModelBasedAlgorithms.Contains(request.Algorithm)
                ? ModelBasedAlgorithms.Start(request.Algorithm, request.Env, request.Seed, s => Envs.Make(request.Env, s))
                : Algorithms.Start(request.Algorithm, request.Env, request.Steps, request.Seed, MakeVector);
        }
        var callbacks = new List<Func<TrainingProgress, bool>>();
        if (progress is not null) callbacks.Add(progress);
        TrainingResult training = Trainer.Train(algorithm,
            new TrainerOptions { TotalSteps = request.Steps, OutputDirectory = request.OutputDirectory, CheckpointEvery = request.CheckpointEvery },
            callbacks, c => c.PutJson(RunDescription.Section, run));
        long evalSeed = Evaluation.SeedOf(run.Seed);
        EvaluationResult evaluation = Evaluation.Run(algorithm.Policy(deterministic: true, evalSeed), s => Envs.Make(request.Env, s), EvaluationEpisodes, evalSeed,
            input: algorithm.Input);
        string? checkpointPath = request.OutputDirectory is null ? null : Path.Combine(request.OutputDirectory, Trainer.CheckpointFile);
        return new TrainReport(run, training, evaluation, checkpointPath);
    }

    /// <summary>
    /// Rebuilds the algorithm a checkpoint was saved from (model-free, model-based, or offline without its dataset:
    /// it acts but does not train), on the registered envs.
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint does not describe a run these registries can rebuild (its file named).</exception>
    public static (IAlgorithm Algorithm, RunDescription Run) Restore(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        try
        {
            return RestoreDescribed(checkpoint);
        }
        catch (ArgumentException e)
        {
            // A stored name, env or config that the registries refuse (an unknown algorithm, a value out of range).
            throw new CheckpointException($"{checkpoint.Source ?? "checkpoint"}: the stored run cannot be rebuilt: {e.Message}", e);
        }
    }

    private static (IAlgorithm Algorithm, RunDescription Run) RestoreDescribed(Checkpoint checkpoint)
    {
        RunDescription run = checkpoint.GetJson<RunDescription>(RunDescription.Section);
        if (ModelBasedAlgorithms.Contains(run.Algorithm)) return ModelBasedAlgorithms.Restore(checkpoint, (env, seed) => Envs.Make(env, seed));
        if (!OfflineAlgorithms.Contains(run.Algorithm)) return Algorithms.Restore(checkpoint, MakeVector);
        IEnv env = Envs.Make(run.Env);
        return OfflineAlgorithms.Restore(checkpoint, env.ObservationSpace, env.ActionSpace);
    }

    /// <summary>Evaluates the policy of a checkpoint over <see cref="EvalRequest.Episodes"/> episodes.</summary>
    public static EvalReport Evaluate(EvalRequest request)
    {
        (IAlgorithm algorithm, RunDescription run) = Restore(Checkpoint.Load(request.Checkpoint));
        EvaluationResult result = Evaluation.Run(algorithm.Policy(!request.Stochastic, request.Seed), s => Envs.Make(run.Env, s), request.Episodes, request.Seed,
            input: algorithm.Input);
        return new EvalReport(run.Algorithm, run.Env, algorithm.EnvSteps, result.Mean, result.Std, result.Returns.Length);
    }

    private static IVectorEnv MakeVector(string env, int copies, long seed) => Envs.MakeVector(env, copies, seed);
}
