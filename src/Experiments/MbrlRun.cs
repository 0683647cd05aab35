// The model-based loop on an analytic robot (collect, fit, control through the model, append, refit), and at the
// end the learned-model controller's return beside the same controller on the true model and a random policy.
// What `control mbrl` runs, and the demo's learned-model stage. With an output directory the run leaves, at every
// iteration boundary, its checkpoint (the loop's, ModelBasedLoop.Save, with the run's identity) and mbrl.csv, both
// written atomically; a run resumed from the checkpoint ends exactly as the uninterrupted run (all but the
// wall-clock fields).
using System.Globalization;
using System.Text;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics;
using Control.Dynamics.Learned;
using Control.Experiments.Artifacts;
using Control.ModelBased;
using Control.ModelBased.Registry;
using Control.Planning;
using Control.Planning.IterativeLqr;
using Control.Planning.Registry;
using Control.Planning.Sampling;
using Control.Policies.Common;
using Control.Robots;

namespace Control.Experiments;

/// <summary>Runs a model-based RL loop.</summary>
public static class MbrlRun
{
    /// <summary>Method names of <see cref="MbrlRequest.Method"/>.</summary>
    public static readonly string[] Methods = ["mpc-ilqr", "mpc-cem", "pets", "bptt"];

    /// <summary>Evaluation episodes (seeds) per controller at the end.</summary>
    public const int EvaluationEpisodes = 5;

    /// <summary>Checkpoint section of the run's identity (env, method, steps, seed, support weight, watch).</summary>
    public const string RunSection = "mbrl/run";

    /// <summary>
    /// Runs <see cref="MbrlRequest.Method"/> on <see cref="MbrlRequest.Env"/>, or continues <see cref="MbrlRequest.Resume"/>;
    /// <paramref name="progress"/> sees each iteration run in this call.
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint to resume is damaged, not of the model-based loop, or of another run.</exception>
    public static MbrlReport Run(MbrlRequest request, Action<ModelBasedIteration>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        (string envName, string method, int steps, long seed) = (request.Env, request.Method, request.Steps, request.Seed);
        if (!Methods.Contains(method)) throw new ArgumentException($"unknown method '{method}'; expected one of {string.Join(", ", Methods)}");
        if (steps < 1) throw new ArgumentException($"expected a positive --steps, got {steps}");
        if (request.CheckpointEvery < 0) throw new ArgumentException($"expected --checkpoint-every >= 0, got {request.CheckpointEvery}");
        IEnv env = Envs.Make(envName, seed);
        IModelEnv truth = env.Find<IModelEnv>() ?? throw new ArgumentException($"{envName}: the loop needs an env with a model and a cost (IModelEnv)");
        if (env.ActionSpace is not Box) throw new ArgumentException($"{envName}: the loop needs continuous actions; this env's are {env.ActionSpace.Describe()}");
        int horizon = Envs.Spec(envName).Horizon;
        int n = truth.StateSize, m = truth.Dynamics.ControlSize;
        Box bounds = truth.Dynamics.ControlBounds;
        double dt = truth.Dynamics.TimeStep;

        if (request.SupportWeight is double weight && !(double.IsFinite(weight) && weight >= 0))
            throw new ArgumentException($"expected a finite --support-weight >= 0, got {weight}");
        var defaults = new SafeMpcConfig();
        SafeMpcConfig safety = new SafeMpcConfig { SupportWeight = request.SupportWeight ?? defaults.SupportWeight, Watch = request.Watch ?? defaults.Watch }.Check();
        IModelLearner learner = method switch
        {
            "mpc-ilqr" or "mpc-cem" => new MlpMpcLearner(new MlpDynamics(n, m, bounds, MlpConfig(envName, seed), dt), truth.Cost,
                (model, cost) => Planner(envName, method, model, cost, seed), safety),
            "pets" => new PetsLearner(new ProbabilisticEnsemble(n, m, bounds, EnsembleConfig(envName, seed), dt), truth.Cost, new PetsCemConfig { Seed = seed }, safety),
            _ => new BpttLearner(new MlpDynamics(n, m, bounds, MlpConfig(envName, seed), dt), truth.Cost, BpttSettings(envName, seed), InitialStates(envName, seed)),
        };
        var loop = new ModelBasedLoop(env, learner, new ModelBasedConfig { TotalSteps = steps, RandomSteps = horizon, StepsPerIteration = horizon, Seed = seed });
        var identity = new RunIdentity(envName, method, steps, seed, safety.SupportWeight, safety.Watch);
        if (request.Resume is string file)
        {
            Resume(loop, identity, file);
            if (request.OutputDirectory is string directory) WriteIterations(directory, loop.Iterations);
        }
        IReadOnlyList<ModelBasedIteration> iterations = loop.Run(progress, request.OutputDirectory is string output ? l => Boundary(l, identity, output, request.CheckpointEvery) : null);

        long evalSeed = Evaluation.SeedOf(seed);
        IPolicy controller = learner.Controller(loop.Data);
        double[] evaluation = ModelBasedLoop.EvaluateEpisodes(env, controller, EvaluationEpisodes, evalSeed);
        double learned = evaluation.Average();
        double worst = iterations.Select(i => i.WorstEpisodeReturn).Where(r => !double.IsNaN(r)).Concat(evaluation).Min();
        int fallbacks = iterations.Sum(i => i.Fallbacks) + WatchedMpc.FallbacksOf(controller);
        double trueModel = ModelBasedLoop.Evaluate(env, TrueModelController(envName, method, truth, loop, seed), EvaluationEpisodes, evalSeed);
        double random = ModelBasedLoop.Evaluate(env, null, EvaluationEpisodes, evalSeed);
        return new MbrlReport(envName, method, seed, loop.Data.Count, iterations, learned, trueModel, random, worst, fallbacks);
    }

    // The run's identity, as stored beside the loop in its checkpoint.
    private sealed record RunIdentity(string Env, string Method, int Steps, long Seed, double SupportWeight, bool Watch)
    {
        public override string ToString() => $"{Method} on {Env}, {Steps} steps, seed {Seed}, support weight {SupportWeight.ToString("R", CultureInfo.InvariantCulture)}, {(Watch ? "watched" : "unwatched")}";
    }

    private static RunIdentity Identity(Checkpoint checkpoint)
    {
        if (!checkpoint.Has(RunSection))
        {
            throw new CheckpointException($"{checkpoint.Source}: not a checkpoint of `control mbrl` (expected a section '{RunSection}', found {string.Join(", ", checkpoint.Sections)}); "
                + "a `control train` checkpoint is resumed by `control train --resume`.");
        }
        return checkpoint.GetJson<RunIdentity>(RunSection);
    }

    // Restores the loop from the checkpoint of the same run.
    private static void Resume(ModelBasedLoop loop, RunIdentity identity, string file)
    {
        Checkpoint checkpoint = Checkpoint.Load(file);
        RunIdentity stored = Identity(checkpoint);
        if (stored != identity)
            throw new CheckpointException($"{file}: the checkpoint is of {stored}; expected {identity} as the options give.");
        loop.Restore(checkpoint);
    }

    // At an iteration boundary: the checkpoint when it is due (every N-th boundary and the last), then mbrl.csv.
    private static void Boundary(ModelBasedLoop loop, RunIdentity identity, string directory, int every)
    {
        bool last = loop.Data.Count >= loop.Config.TotalSteps;
        if (last || (every > 0 && loop.Iterations.Count % every == 0))
        {
            var checkpoint = new Checkpoint();
            checkpoint.PutJson(RunSection, identity);
            loop.Save(checkpoint);
            checkpoint.Save(Path.Combine(directory, RunFiles.ModelBasedCheckpoint));
        }
        WriteIterations(directory, loop.Iterations);
    }

    // mbrl.csv: a row per iteration, written atomically.
    private static void WriteIterations(string directory, IReadOnlyList<ModelBasedIteration> iterations)
    {
        Directory.CreateDirectory(directory);
        var text = new StringBuilder("env_steps,holdout_loss,multi_step_error,episode_return,fit_seconds\n");
        foreach (var it in iterations)
            text.Append(CultureInfo.InvariantCulture, $"{it.EnvSteps},{it.HoldoutLoss:R},{it.MultiStepError:R},{it.EpisodeReturn:R},{it.FitSeconds:R}\n");
        RunFiles.WriteText(Path.Combine(directory, RunFiles.ModelBasedIterations), text.ToString());
    }

    // The same controller on the true model: the same planner on the env's dynamics, or (bptt) policies trained the
    // same way, for as many rounds, through the true dynamics from the same visited and initial states. PETS'
    // ensemble-specific CEM becomes plain CEM with its population, elites, iterations and sampling settings on the
    // deterministic true model.
    private static IPolicy TrueModelController(string env, string method, IModelEnv truth, ModelBasedLoop loop, long seed)
    {
        switch (method)
        {
            case "bptt":
                var policies = new BpttCandidates(truth.StateSize, truth.Dynamics.ControlBounds, BpttSettings(env, seed));
                var differentiable = new DifferentiableDynamics(truth.Dynamics);
                var cost = new DifferentiableCost(truth.Cost);
                double[] initial = InitialStates(env, seed);
                int rounds = Math.Max(1, loop.Config.TotalSteps / loop.Config.StepsPerIteration);
                for (int r = 0; r < rounds; r++) policies.Train(differentiable, cost, loop.Data.States, loop.Data.Count, initial);
                return policies;
            case "pets":
                var pets = new PetsCemConfig();
                return new MpcController(new Cem(truth.Dynamics, truth.Cost, new CemConfig
                {
                    Horizon = pets.Horizon, Population = pets.Population, EliteCount = pets.Elites, Iterations = pets.Iterations,
                    InitialStdFraction = pets.InitialStdFraction, Smoothing = pets.Smoothing, NoiseExponent = 0, KeptEliteFraction = 0, Seed = seed,
                }));
            default:
                return new MpcController(Planner(env, method, truth.Dynamics, truth.Cost, seed));
        }
    }

    // The planners of `control plan` on the env (horizons tuned there), with CEM's population halved for speed on a network.
    private static IPlanner Planner(string env, string method, IDynamics model, ICost cost, long seed) => method == "mpc-ilqr"
        ? new Ilqr(model, cost, new IlqrConfig { Horizon = Planners.DefaultHorizon("ilqr", env), MaxIterations = 50, WarmMaxIterations = 3, ColdStarts = 3 })
        : new Cem(model, cost, new CemConfig { Horizon = Planners.DefaultHorizon("cem", env), Population = 200, Iterations = 3, Seed = seed });

    private static BpttConfig BpttSettings(string env, long seed) => new() { Seed = seed, PeriodicStates = Angles(env) };

    // States of the env's initial-state distribution (seeded resets of a separate instance, apart from the
    // evaluation seeds): where the BPTT policy is trained and scored from besides the visited states.
    private static double[] InitialStates(string envName, long seed)
    {
        const int count = 256;
        IEnv env = Envs.Make(envName, seed);
        IStatefulEnv stateful = env.Find<IStatefulEnv>()!;
        var observation = new double[env.ObservationSpace.FlatSize];
        var states = new double[count * stateful.StateSize];
        for (int i = 0; i < count; i++)
        {
            env.Reset(observation, 2_000_000 + 1000 * seed + i);
            stateful.GetState(states.AsSpan(i * stateful.StateSize, stateful.StateSize));
        }
        return states;
    }

    private static MlpDynamicsConfig MlpConfig(string env, long seed) => new() { Hidden = [64, 64], Epochs = 200, Patience = 20, Seed = seed, PeriodicStates = Angles(env) };

    private static int[] Angles(string env) => ModelBasedAlgorithms.Angles(env);

    private static ProbabilisticEnsembleConfig EnsembleConfig(string env, long seed) => new() { Members = 5, Elites = 5, Hidden = [64, 64], Epochs = 200, Patience = 20, Seed = seed, PeriodicStates = Angles(env) };
}
