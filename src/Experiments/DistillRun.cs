// From planner to deployable policy: an expert (iLQR-, CEM- or MPPI-MPC on the env's true model, as `control plan` runs
// it, or a trained policy's checkpoint) is distilled into a network policy by behaviour cloning on its own episodes or by
// DAgger; the policy is then compared with the expert and a random policy on the same evaluation episodes, and both are
// timed on the same states, each as a controller runs it (in a loop of its own). The checkpoint holds the policy under the sections every algorithm uses, so `control export`
// turns it into ONNX. What `control distill` runs, and the demo's distill stage.
using System.Diagnostics;
using System.Text.Json;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Core.Metrics;
using Control.Core.Models;
using Control.ModelBased.Registry;
using Control.Planning;
using Control.Planning.IterativeLqr;
using Control.Policies.Common;
using Control.Policies.Imitation;
using Control.Policies.Registry;
using Control.Robots;
using Control.Robots.Analytic;

namespace Control.Experiments;

/// <summary>Distils an expert into a network policy.</summary>
public static class DistillRun
{
    /// <summary>Method names of <see cref="DistillRequest.Method"/>.</summary>
    public static readonly string[] Methods = [BehaviourCloning.Name, Dagger.Name];

    /// <summary>Planner names an expert may be (besides checkpoint:FILE).</summary>
    public static readonly string[] Planners = ["ilqr", "cem", "mppi"];

    /// <summary>Evaluation episodes of the expert on whose states the expert and the policy are timed, each in a loop of its own.</summary>
    public const int TimedEpisodes = 2;

    /// <summary>The prefix of a checkpoint expert.</summary>
    public const string CheckpointPrefix = "checkpoint:";

    /// <summary>
    /// The DAgger settings for an env: the documented defaults (beta_i = 1 at i = 0 only, the cloning fit's), and as many whole episodes
    /// per iteration as make at least 1000 labels (five of the 200-step swing-ups, three of the acrobot's 400); on mj-reacher
    /// a 256-256 network fitted for up to 400 epochs (<see cref="ReacherCloning"/>), on the pendulum a 32-32 one
    /// (<see cref="PendulumCloning"/>), on acrobot-swingup a 128-128-128 one with the binned head (<see cref="AcrobotCloning"/>),
    /// fitted with the mirror image of every label (<see cref="DaggerConfig.Mirror"/>: the swing-up's task is left-right
    /// symmetric; with them DAgger's policies after 20,000 labels score as those after about 40,000 without).
    /// </summary>
    public static DaggerConfig Preset(string env)
    {
        int horizon = Envs.Spec(env).Horizon;
        var config = new DaggerConfig { LabelsPerIteration = (1000 + horizon - 1) / horizon * horizon };
        return env switch
        {
            "mj-reacher" => config with { Cloning = ReacherCloning },
            "pendulum" => config with { Cloning = PendulumCloning },
            "acrobot-swingup" => config with { Cloning = AcrobotCloning, Mirror = true },
            _ => config,
        };
    }

    /// <summary>
    /// The cloning fit of the pendulum's preset: 32-32 tanh. DAgger with the iLQR expert scores as with the default 64-64
    /// (0.980 / 0.999 / 1.023 on seeds 1-3 after 20,000 labels; 64-64: 0.979 / 0.998 / 1.023), and the policy acts
    /// 110-119x faster than the expert's 11-18 us warm replans (64-64: 83-89x); 16-16 is faster still (128-142x) but
    /// drops behaviour cloning on 1,000 labels to 0.60 on seed 2 (bench/RESULTS.md, "Batch-1 kernels by columns").
    /// </summary>
    public static BehaviourCloningConfig PendulumCloning => new() { Network = new NetworkConfig { Hidden = [32, 32] } };

    /// <summary>
    /// The cloning fit of acrobot-swingup's preset: 128-128-128 tanh with the binned head (the 13 default levels, 0 to 4 N m
    /// finer near 0). The expert's labels near a state often go both ways (which way to push from hanging, which way to
    /// pump); least squares fits their mean and the learner pumps neither way (scores 0.40-0.55 with every network
    /// size), where the binned head commits to one (bench/RESULTS.md, "acrobot-swingup: the iLQR-MPC expert is not a
    /// state-feedback policy there").
    /// </summary>
    public static BehaviourCloningConfig AcrobotCloning => new() { Network = new NetworkConfig { Hidden = [128, 128, 128] }, Head = ImitationHead.Binned };

    /// <summary>
    /// The cloning fit of mj-reacher's preset: 256-256 tanh, at most 400 epochs (the defaults' early stopping kept). On
    /// seeds 1 and 3 DAgger then ends at 0.944 and 0.922 after 20,000 labels (seed 1 with the default 64-64 and 200 epochs:
    /// 0.686); on seed 2 at 0.684, where the arm stalls in front of targets behind it (bench/RESULTS.md, "DAgger on
    /// mj-reacher and the acrobot").
    /// </summary>
    public static BehaviourCloningConfig ReacherCloning => new() { Network = new NetworkConfig { Hidden = [256, 256] }, Epochs = 400 };

    /// <summary>
    /// The feedback rows a distillation takes when the request leaves them unset: with the ilqr expert, 3 per label,
    /// perturbed by 0.05 (rad, m) in the robot's positions, 0.1 (rad/s, m/s) in its velocities and, on mj-reacher, 0.01 m
    /// in the target's position (its velocity stays 0): on the pendulum by either method, on the cart-pole swing-up and
    /// mj-reacher with DAgger; none elsewhere. Measured on seeds 1-3 (bench/RESULTS.md, "Feedback labels"): behaviour
    /// cloning on the pendulum's first 1,000 labels scores 0.97-1.02 with them (without: -0.07-0.45); DAgger ends at
    /// 0.991-0.997 on the cart-pole swing-up after 10,000 labels (without: 0.947-0.987) and higher on mj-reacher at every
    /// budget. Behaviour cloning on the cart-pole swing-up does worse with them (below 0 on every seed at 5,000 labels,
    /// 0.41-0.92 without), and on reacher2d, quadrotor2d and the acrobot they gave no consistent gain.
    /// </summary>
    public static (int Samples, double[] Noise) FeedbackPreset(string env, string expert, string method)
    {
        if (expert != "ilqr" || (method != Dagger.Name && env != "pendulum")) return (0, []);
        return env switch
        {
            "pendulum" => (3, [0.05, 0.1]),
            "cartpole-swingup" => (3, [0.05, 0.1, 0.05, 0.1]),
            "mj-reacher" => (3, [0.05, 0.05, 0.01, 0.01, 0.1, 0.1, 0, 0]),
            _ => (0, []),
        };
    }

    /// <summary>
    /// The guided label iterations an env takes when the request leaves them unset: 10 on mj-reacher with the ilqr expert,
    /// where the MPC's own labels go both ways round a target behind the arm and least squares averages them to a stall
    /// (seed 2 ends at 0.684 with them, 0.963 with guided labels: bench/RESULTS.md, "DAgger on mj-reacher and the acrobot");
    /// 0 (the expert's own labels) everywhere else.
    /// </summary>
    public static int GuidedPreset(string env, string expert) => env == "mj-reacher" && expert == "ilqr" ? 10 : 0;

    /// <summary>
    /// Offset of the validation episodes' seeds from the evaluation episodes' (<see cref="Evaluation.SeedOf"/>): the two sets
    /// stay apart while each holds at most this many episodes.
    /// </summary>
    public const int ValidationSeedOffset = 500;

    /// <summary>
    /// Checks the request and the expert against the env (before anything is written), measures the expert and a random
    /// policy on the evaluation episodes, distils, evaluates the policy and, with an output directory, writes metrics.csv
    /// (a row per DAgger iteration, or per epoch of behaviour cloning's fit) and checkpoint.ctl (atomically).
    /// <paramref name="progress"/> sees the policy after every refit.
    /// </summary>
    /// <exception cref="ExpertMismatchException">The expert does not read the env's observations (or state) or act in its action space.</exception>
    /// <exception cref="ArgumentException">An unknown method or expert, or a setting out of range.</exception>
    /// <exception cref="CheckpointException">A checkpoint expert's file is missing or holds no policy.</exception>
    public static DistillReport Run(DistillRequest request, Action<DistillPoint>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Methods.Contains(request.Method)) throw new ArgumentException($"unknown method '{request.Method}'; expected one of {string.Join(", ", Methods)}");
        if (request.Steps <= 0) throw new ArgumentException($"expected a positive --steps (expert labels), got {request.Steps}");
        if (request.GuidedLabelIterations < 0) throw new ArgumentException($"expected guided label iterations >= 0 (0: the expert's own labels), got {request.GuidedLabelIterations}");
        if (request.EvaluationEpisodes is <= 0 or > ValidationSeedOffset)
            throw new ArgumentException($"expected 1 to {ValidationSeedOffset} evaluation episodes, got {request.EvaluationEpisodes}");
        if (request.ValidationEpisodes is < 0 or > ValidationSeedOffset)
            throw new ArgumentException($"expected 0 to {ValidationSeedOffset} validation episodes (0: keep the last refit), got {request.ValidationEpisodes}");
        DaggerConfig config = Configure(request);
        var clock = Stopwatch.StartNew();
        (string envName, long seed) = (request.Env, request.Seed);
        IEnv env = Envs.Make(envName, seed);
        (IPolicy expert, PolicyInput expertInput) = Expert(request.Expert, env, seed);
        int guidedIterations = request.GuidedLabelIterations ?? GuidedPreset(envName, request.Expert);
        PolicyWarmStartedIlqr? guided = guidedIterations > 0 ? Guided(request.Expert, envName, expert, guidedIterations, seed) : null;
        var dagger = new Dagger(env, guided ?? expert, expertInput, config, seed);

        // ---- the expert and a random policy on the evaluation episodes
        long evalSeed = Evaluation.SeedOf(seed), validationSeed = evalSeed + ValidationSeedOffset;
        IEnv MakeEnv(long s) => Envs.Make(envName, s);
        double expertReturn = Evaluation.Run(expert, MakeEnv, request.EvaluationEpisodes, evalSeed, input: expertInput).Mean;
        var random = new RandomPolicy(env.ActionSpace, env.ObservationSpace.FlatSize, new Rng(seed).Fork(7));
        double randomReturn = Evaluation.Run(random, MakeEnv, request.EvaluationEpisodes, evalSeed).Mean;
        double Score(double policyReturn) => (policyReturn - randomReturn) / (expertReturn - randomReturn);

        // ---- distil: one fit on the expert's own episodes (bc), or DAgger iterations until the label budget is spent,
        //      keeping the refit best on the validation episodes
        bool validate = request.Method == Dagger.Name && request.ValidationEpisodes > 0;
        string? directory = request.OutputDirectory;
        if (directory is not null) Directory.CreateDirectory(directory);
        using CsvMetricsSink? log = directory is null ? null : new CsvMetricsSink(Path.Combine(directory, Trainer.MetricsFile));
        var curve = new List<DistillPoint>();
        (InferencePolicy Policy, DistillPoint Point, DaggerIteration Iteration)? selected = null;
        do
        {
            DaggerIteration last = dagger.Iterate(request.Method == Dagger.Name ? Math.Min(config.LabelsPerIteration, request.Steps - dagger.Labels) : request.Steps);
            if (guided is not null) guided.Guide = dagger.Policy;
            TimeSpan fitted = clock.Elapsed;
            InferencePolicy refit = dagger.Policy!;
            double policyReturn = Evaluation.Run(refit, MakeEnv, request.EvaluationEpisodes, evalSeed).Mean;
            double validationReturn = validate ? Evaluation.Run(refit, MakeEnv, request.ValidationEpisodes, validationSeed).Mean : double.NaN;
            var point = new DistillPoint(dagger.Iterations, dagger.Labels, last.Beta, policyReturn, Score(policyReturn), last.Fit.HoldoutLoss, last.Fit.Epochs, validationReturn);
            curve.Add(point);
            if (selected is null || !validate || validationReturn > selected.Value.Point.ValidationReturn) selected = (refit, point, last);
            progress?.Invoke(point);
            if (log is null) continue;
            if (request.Method == Dagger.Name)
            {
                var values = new Dictionary<string, double>(last.Metrics()) { ["eval/policy_return"] = policyReturn, ["eval/score"] = point.Score };
                if (validate) values["eval/validation_return"] = validationReturn;
                log.Write(new MetricsRow(point.Iteration, point.Labels, clock.Elapsed, values));
            }
            else
            {
                WriteEpochs(log, last.Fit, dagger.Labels, fitted);
            }
        }
        while (request.Method == Dagger.Name && dagger.Labels < request.Steps);
        (InferencePolicy policy, DistillPoint chosen, DaggerIteration chosenIteration) = selected!.Value;

        // ---- speed: the expert and the policy timed on the same states of the expert's first evaluation episodes, each in
        //      a loop of its own
        var timing = new PairedTiming(expert, policy, expertInput == PolicyInput.State ? env.Find<IStatefulEnv>() : null);
        Evaluation.Run(timing, MakeEnv, Math.Min(TimedEpisodes, request.EvaluationEpisodes), evalSeed, input: expertInput);
        timing.Finish();

        // ---- the checkpoint: the policy returned under every algorithm's sections, the run, the counters
        string? checkpointPath = null;
        if (directory is not null)
        {
            var checkpoint = new Checkpoint();
            string described = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                [DistilledPolicy.ExpertProperty] = request.Expert, ["config"] = config, ["feedback_rows"] = dagger.Feedback.Count, ["mirrored_rows"] = dagger.Mirrored.Count, ["guided_label_iterations"] = guidedIterations,
                ["validation_episodes"] = validate ? request.ValidationEpisodes : 0, ["selected_iteration"] = chosen.Iteration,
            });
            checkpoint.PutJson(RunDescription.Section, new RunDescription(request.Method, envName, seed, described));
            new DistilledPolicy(request.Method, policy, chosenIteration.Labels, chosen.Iteration).Save(checkpoint);
            checkpointPath = Path.Combine(directory, Trainer.CheckpointFile);
            checkpoint.Save(checkpointPath);
        }
        double holdout = chosenIteration.Fit.HoldoutLoss;
        return new DistillReport(envName, request.Expert, request.Method, seed, dagger.Labels, dagger.Feedback.Count, dagger.Mirrored.Count, dagger.Iterations, chosen.Iteration, expertReturn, chosen.PolicyReturn,
            randomReturn, 1e3 * timing.ExpertSeconds, 1e6 * timing.PolicySeconds, double.IsNaN(holdout) ? null : holdout, clock.Elapsed.TotalSeconds,
            checkpointPath, curve);
    }

    /// <summary>
    /// The expert named <paramref name="name"/> for <paramref name="env"/> and what it reads: a planner's MPC controller
    /// as `control plan` builds it (reading the env's state), or a checkpoint's policy (reading the observation, or the
    /// state for a model-based learner's).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or a planner on an env without a model or continuous actions.</exception>
    /// <exception cref="CheckpointException">The checkpoint is missing or holds no policy.</exception>
    public static (IPolicy Expert, PolicyInput Input) Expert(string name, IEnv env, long seed)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(env);
        if (name == "ilqr" && env.Name == "acrobot-swingup") return (AcrobotExpert(env), PolicyInput.State);
        if (Planners.Contains(name)) return (PlanRun.Controller(env, name, null, seed), PolicyInput.State);
        if (!name.StartsWith(CheckpointPrefix, StringComparison.Ordinal) || name.Length == CheckpointPrefix.Length)
            throw new ArgumentException($"unknown expert '{name}'; expected one of {string.Join(", ", Planners)} or {CheckpointPrefix}FILE");
        Checkpoint checkpoint = Checkpoint.Load(name[CheckpointPrefix.Length..]);
        InferencePolicy policy = InferencePolicy.Load(checkpoint);
        bool readsState = checkpoint.Has(RunDescription.Section) && ModelBasedAlgorithms.Contains(checkpoint.GetJson<RunDescription>(RunDescription.Section).Algorithm);
        return (policy, readsState ? PolicyInput.State : PolicyInput.Observation);
    }

    /// <summary>
    /// The ilqr expert on acrobot-swingup: iLQR-MPC on the task cost plus the energy term of
    /// <see cref="AcrobotEnergyShapedCost"/> (weight 0.03), horizon 40, one cold start, 10 iterations per warm replan.
    /// `control plan`'s iLQR-MPC there (the task cost, horizon 100) carries plans whose labels are not a function of the
    /// state, and no network distilled from it passed a score of 0.55; this one returns -234 against -276 on the same
    /// episodes and its labels can be learned (bench/RESULTS.md, "acrobot-swingup: the iLQR-MPC expert is not a
    /// state-feedback policy there").
    /// </summary>
    public static MpcController AcrobotExpert(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        IModelEnv model = env.Find<IModelEnv>() ?? throw new ArgumentException($"{env.Name}: the acrobot expert plans on the env's model; expected an env that exposes it (IModelEnv), got one that does not");
        (ICost cost, int horizon) = IlqrObjective(env.Name, model);
        var config = new IlqrConfig { Horizon = horizon, MaxIterations = 100, WarmMaxIterations = 10, ColdStarts = 1, ColdStages = 1 };
        return new MpcController(new Ilqr(model.Dynamics, cost, config));
    }

    // What the ilqr expert of `envName` minimizes and over how many steps: on acrobot-swingup the energy-shaped cost over
    // 40 steps (AcrobotExpert), elsewhere the task's cost over `control plan`'s horizon. The guided labeller plans the same.
    private static (ICost Cost, int Horizon) IlqrObjective(string envName, IModelEnv model) => envName == "acrobot-swingup"
        ? (AcrobotSwingUpEnv.EnergyShapedCost(), 40)
        : (model.Cost, Control.Planning.Registry.Planners.DefaultHorizon("ilqr", envName));

    // The request's DAgger settings: its config or the env's presets, with its feedback settings over them; checked.
    private static DaggerConfig Configure(DistillRequest request)
    {
        (int samples, double[] noise) = FeedbackPreset(request.Env, request.Expert, request.Method);
        DaggerConfig config = request.Config ?? Preset(request.Env) with { FeedbackSamples = samples, FeedbackNoise = noise };
        if (request.FeedbackSamples is int requested) config = config with { FeedbackSamples = requested };
        if (request.FeedbackNoise is double[] requestedNoise) config = config with { FeedbackNoise = requestedNoise };
        if (request.Hidden is int[] hidden) config = config with { Cloning = config.Cloning with { Network = config.Cloning.Network with { Hidden = hidden } } };
        if (request.Head is ImitationHead head) config = config with { Cloning = config.Cloning with { Head = head } };
        if (request.Mirror is bool mirror) config = config with { Mirror = mirror };
        if (config.FeedbackSamples > 0 && request.Expert != "ilqr")
            throw new ArgumentException($"feedback labels need the ilqr expert (its gains label the states near each labelled one), got expert '{request.Expert}'; set the feedback samples to 0");
        config.Validate();
        return config;
    }

    // The guided labeller of the iLQR expert: iLQR on the expert's objective and horizon, `iterations` from the learner's rollout,
    // observing through an env of its own; the MPC expert acts until the first refit.
    internal static PolicyWarmStartedIlqr Guided(string expertName, string envName, IPolicy expert, int iterations, long seed)
    {
        if (expertName != "ilqr")
            throw new ArgumentException($"guided labels need the ilqr expert (they improve the learner's rollout by iLQR iterations), got expert '{expertName}'");
        IModelEnv model = Envs.Make(envName, seed).Find<IModelEnv>()!;
        (ICost cost, int horizon) = IlqrObjective(envName, model);
        return new PolicyWarmStartedIlqr(model.Dynamics, cost, new IlqrConfig { Horizon = horizon, MaxIterations = iterations }, model, expert);
    }

    // One row per epoch of behaviour cloning's fit, timed as the fit went (it ended at `end`).
    private static void WriteEpochs(CsvMetricsSink log, BehaviourCloningResult fit, int labels, TimeSpan end)
    {
        TimeSpan start = end - TimeSpan.FromSeconds(fit.EpochSeconds[^1]);
        for (int e = 0; e < fit.Epochs; e++)
        {
            var values = new Dictionary<string, double>
            {
                ["fit/train_loss"] = fit.TrainLoss[e],
                ["fit/holdout_loss"] = fit.HoldoutLosses.Count > e ? fit.HoldoutLosses[e] : double.NaN,
            };
            log.Write(new MetricsRow(e + 1, labels, start + TimeSpan.FromSeconds(fit.EpochSeconds[e]), values));
        }
    }
}
