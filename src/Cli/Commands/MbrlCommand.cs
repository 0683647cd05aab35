// `control mbrl`: the model-based loop on an analytic robot (collect, fit, control through the model, append,
// refit), reporting each iteration and, at the end, the learned-model controller's return beside the same
// controller on the true model and a random policy.
using System.CommandLine;
using System.Globalization;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics;
using Control.Dynamics.Learned;
using Control.ModelBased;
using Control.Planning;
using Control.Planning.Registry;
using Control.Planning.Sampling;
using Control.Robots;

namespace Control.Cli.Commands;

/// <summary>Runs a model-based RL loop.</summary>
public static class MbrlCommand
{
    /// <summary>Method names accepted by --method.</summary>
    public static readonly string[] Methods = ["mpc-ilqr", "mpc-cem", "pets", "bptt"];

    /// <summary>Evaluation episodes (seeds) per controller at the end.</summary>
    public const int EvaluationEpisodes = 5;

    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var env = new Option<string>("--env") { Description = "Environment name (an analytic robot with a model).", Required = true };
        var method = new Option<string>("--method") { Description = $"Loop: {string.Join(", ", Methods)}.", Required = true };
        var steps = new Option<int>("--steps") { Description = "Real env steps in total (random collection included).", DefaultValueFactory = _ => 2000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the whole run.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("mbrl", "Model-based RL: fit a dynamics model on real transitions and control through it.") { env, method, steps, seed, json };
        command.SetAction(parse => context.Guard(() => Execute(context, parse.GetValue(env)!, parse.GetValue(method)!,
            parse.GetValue(steps), parse.GetValue(seed), parse.GetValue(json))));
        return command;
    }

    /// <summary>The outcome of one run.</summary>
    public sealed record MbrlRun(string Env, string Method, long Seed, int EnvSteps, IReadOnlyList<ModelBasedIteration> Iterations,
        double ReturnLearned, double ReturnTrueModel, double ReturnRandom)
    {
        /// <summary>(learned - random) / (true - random): 1 when the learned model is as good as the truth.</summary>
        public double Score => (ReturnLearned - ReturnRandom) / (ReturnTrueModel - ReturnRandom);
    }

    /// <summary>Runs <paramref name="method"/> on <paramref name="envName"/> for <paramref name="steps"/> real steps.</summary>
    public static MbrlRun Run(string envName, string method, int steps, long seed, Action<ModelBasedIteration>? progress = null)
    {
        if (!Methods.Contains(method)) throw new ArgumentException($"unknown method '{method}'; expected one of {string.Join(", ", Methods)}");
        if (steps < 1) throw new ArgumentException($"expected a positive --steps, got {steps}");
        IEnv env = Envs.Make(envName, seed);
        IModelEnv truth = env.Find<IModelEnv>() ?? throw new ArgumentException($"{envName}: the loop needs an env with a model and a cost (IModelEnv)");
        if (env.ActionSpace is not Box) throw new ArgumentException($"{envName}: the loop needs continuous actions; this env's are {env.ActionSpace.Describe()}");
        int horizon = Envs.Spec(envName).Horizon;
        int n = truth.StateSize, m = truth.Dynamics.ControlSize;
        Box bounds = truth.Dynamics.ControlBounds;
        double dt = truth.Dynamics.TimeStep;

        IModelLearner learner = method switch
        {
            "mpc-ilqr" => new MlpMpcLearner(new MlpDynamics(n, m, bounds, MlpConfig(envName, seed), dt), model => Planner(envName, method, model, truth.Cost, seed)),
            "mpc-cem" => new MlpMpcLearner(new MlpDynamics(n, m, bounds, MlpConfig(envName, seed), dt), model => Planner(envName, method, model, truth.Cost, seed)),
            "pets" => new PetsLearner(new ProbabilisticEnsemble(n, m, bounds, EnsembleConfig(envName, seed), dt), truth.Cost, new PetsCemConfig { Seed = seed }),
            _ => new BpttLearner(new MlpDynamics(n, m, bounds, MlpConfig(envName, seed), dt), truth.Cost, BpttSettings(envName, seed), InitialStates(envName, seed)),
        };
        var loop = new ModelBasedLoop(env, learner, new ModelBasedConfig { TotalSteps = steps, RandomSteps = horizon, StepsPerIteration = horizon, Seed = seed });
        IReadOnlyList<ModelBasedIteration> iterations = loop.Run(progress);

        long evalSeed = 1_000_000 + 1000 * seed;
        double learned = ModelBasedLoop.Evaluate(env, learner.Controller(loop.Data), EvaluationEpisodes, evalSeed);
        double trueModel = ModelBasedLoop.Evaluate(env, TrueModelController(envName, method, truth, loop, seed), EvaluationEpisodes, evalSeed);
        double random = ModelBasedLoop.Evaluate(env, null, EvaluationEpisodes, evalSeed);
        return new MbrlRun(envName, method, seed, loop.Data.Count, iterations, learned, trueModel, random);
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

    // Which state entries of each robot are angles (the learned models wrap them at their input).
    private static int[] Angles(string env) => env switch
    {
        "pendulum" => [0],
        "cartpole-swingup" or "cartpole" => [2],
        "acrobot-swingup" or "acrobot" => [0, 1],
        "quadrotor2d" => [2],
        "reacher2d" => [0, 1],
        _ => [],
    };

    private static ProbabilisticEnsembleConfig EnsembleConfig(string env, long seed) => new() { Members = 5, Elites = 5, Hidden = [64, 64], Epochs = 200, Patience = 20, Seed = seed, PeriodicStates = Angles(env) };

    private static int Execute(CommandContext context, string envName, string method, int steps, long seed, bool json)
    {
        string F(double v, string f = "F3") => v.ToString(f, CultureInfo.InvariantCulture);
        MbrlRun run = Run(envName, method, steps, seed, json ? null : it => context.Output.WriteLine(
            $"env steps {it.EnvSteps,6}  holdout loss {F(it.HoldoutLoss, "G4"),10}  multi-step error {F(it.MultiStepError, "G4"),10}  episode return {F(it.EpisodeReturn, "F1"),9}  fit {F(it.FitSeconds, "F2")} s"));
        if (json)
        {
            context.WriteJson(new
            {
                env = run.Env, method = run.Method, seed = run.Seed, env_steps = run.EnvSteps,
                iterations = run.Iterations.Select(i => new
                {
                    env_steps = i.EnvSteps, holdout_loss = i.HoldoutLoss, multi_step_error = i.MultiStepError, episode_return = i.EpisodeReturn,
                    fit_seconds = i.FitSeconds, fit_transitions_per_second = i.FitTransitionsPerSecond,
                }),
                return_learned = run.ReturnLearned, return_true_model = run.ReturnTrueModel, return_random = run.ReturnRandom, score = run.Score,
            });
            return 0;
        }
        context.Output.WriteLine($"{run.Env} / {run.Method} (seed {run.Seed}), {run.EnvSteps} real steps; mean return over {EvaluationEpisodes} evaluation episodes:");
        context.Output.WriteLine($"  learned-model controller: {F(run.ReturnLearned, "F1")}");
        context.Output.WriteLine($"  same controller, true model: {F(run.ReturnTrueModel, "F1")}");
        context.Output.WriteLine($"  random policy: {F(run.ReturnRandom, "F1")}");
        context.Output.WriteLine($"  score (learned - random) / (true - random): {F(run.Score)}");
        return 0;
    }
}
