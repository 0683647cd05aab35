// Model-free training of a policy on a registered env with an algorithm of the registry, with a CSV log and
// checkpoints, and a final evaluation over 20 episodes of the deterministic policy; and the evaluation of a
// checkpoint. What `control train` and `control eval` run. A run with a dataset is offline (OfflineTrainRun).
using System.Diagnostics;
using Control.Core.Envs;
using Control.Experiments.Hyperparameters;
using Control.Experiments.Progress;
using Control.ModelBased.Registry;
using Control.Policies.Common;
using Control.Policies.Imitation;
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
    /// sees every iteration (return false to stop); <paramref name="live"/>, when given, the run's fraction done with its
    /// key figures (recent episode return, loss, steps/s).
    /// </summary>
    public static TrainReport Run(TrainRequest request, Func<TrainingProgress, bool>? progress = null, IRunProgress? live = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (live is not null) progress = WithLive(request, progress, live);
        if (request.Dataset is not null) return OfflineTrainRun.Run(request, progress);
        if (OfflineAlgorithms.Contains(request.Algorithm))
            throw new ArgumentException($"{request.Algorithm} learns from a logged dataset: give --dataset F.csv|F.bin (`control collect` writes one)");
        if (request.Iterations is not null)
            throw new ArgumentException($"--iterations is the budget of an offline run (with --dataset); {request.Algorithm} on the env trains for --steps env steps");
        if (request.Steps <= 0) throw new ArgumentException($"expected a positive --steps, got {request.Steps}");
        if (request.Config is not null && request.Resume is not null)
            throw new ArgumentException($"{request.Resume}: a resumed run keeps its checkpoint's config; drop --config and --set");
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
            object config = request.Config ?? AlgorithmPresets.For(request.Algorithm, request.Env, request.Steps);
            (algorithm, run) = ModelBasedAlgorithms.Contains(request.Algorithm)
                ? ModelBasedAlgorithms.StartWith(request.Algorithm, request.Env, config, request.Seed, s => Envs.Make(request.Env, s))
                : Algorithms.StartWith(request.Algorithm, request.Env, config, request.Seed, MakeVector);
        }
        var callbacks = new List<Func<TrainingProgress, bool>>();
        if (progress is not null) callbacks.Add(progress);
        TrainingResult training = Trainer.Train(algorithm,
            new TrainerOptions { TotalSteps = request.Steps, OutputDirectory = request.OutputDirectory, CheckpointEvery = request.CheckpointEvery },
            callbacks, c => c.PutJson(RunDescription.Section, run));
        long evalSeed = Evaluation.SeedOf(run.Seed);
        var evalClock = Stopwatch.StartNew();
        EvaluationResult evaluation = Evaluation.Run(algorithm.Policy(deterministic: true, evalSeed), s => Envs.Make(request.Env, s), EvaluationEpisodes, evalSeed,
            input: algorithm.Input);
        string? checkpointPath = request.OutputDirectory is null ? null : Path.Combine(request.OutputDirectory, Trainer.CheckpointFile);
        return new TrainReport(run, training, evaluation, checkpointPath) { EvalSeconds = evalClock.Elapsed.TotalSeconds };
    }

    // The training callback that also tells the live view how far the run is: env steps of the budget online,
    // iterations offline (which takes no env steps), with the figures a user watches.
    private static Func<TrainingProgress, bool> WithLive(TrainRequest request, Func<TrainingProgress, bool>? progress, IRunProgress live)
    {
        string stage = $"{request.Algorithm} on {request.Env}";
        bool offline = request.Dataset is not null;
        return p =>
        {
            double Metric(string key) => p.Metrics.TryGetValue(key, out double v) ? v : double.NaN;
            double loss = LossKeys.Select(Metric).FirstOrDefault(double.IsFinite, double.NaN);
            if (offline)
            {
                live.Report(stage, p.Iteration, request.Iterations ?? OfflineTrainRun.DefaultIterations,
                    [new("loss", loss), new("eval return", Metric("eval/return"), "F1")]);
            }
            else
            {
                live.Report(stage, p.EnvSteps, request.Steps,
                    [new("return", Metric("rollout/episode_return"), "F1"), new("loss", loss), new("steps/s", p.EnvSteps / Math.Max(p.Elapsed.TotalSeconds, 1e-9), "F0")]);
            }
            return progress is null || progress(p);
        };
    }

    // The loss shown beside the bar: the first an algorithm logs of these (its main objective first).
    private static readonly string[] LossKeys = ["train/loss", "train/policy_loss", "train/actor_loss", "train/critic_loss", "train/value_loss", "train/model_holdout_mse"];

    /// <summary>
    /// Rebuilds the algorithm a checkpoint was saved from (model-free, model-based, offline without its dataset, or a
    /// policy distilled by `control distill`: the last two act but do not train), on the registered envs.
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
        if (DistilledPolicy.Describes(run)) return (DistilledPolicy.Restore(checkpoint, run), run);
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
