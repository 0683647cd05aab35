// The demo: the toolkit's main job end to end on the embedded analytic robots, in stages that later capabilities
// extend. Needs nothing native; runs in seconds on two cores. What `control demo` runs; each stage is a call.
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Core.Models;
using Control.Policies.Common;
using Control.Policies.Imitation;
using Control.Robots;
using Control.Robots.MuJoCo;

namespace Control.Experiments;

/// <summary>The demo's stages.</summary>
public static class DemoRun
{
    /// <summary>Env steps of the demo's PPO run (the RL Zoo's CartPole budget).</summary>
    public const long PpoSteps = 100_000;

    /// <summary>Runs every stage in order.</summary>
    public static DemoReport Run(long seed)
    {
        IReadOnlyList<DemoEpisode> episodes = RandomEpisodes(seed);
        IReadOnlyList<DemoJacobian> jacobians = JacobianChecks(seed);
        IReadOnlyList<DemoBatch> batches = BatchedStepping(seed);
        IReadOnlyList<DemoSwingUp> swingUps = SwingUps(seed);
        DemoLearnedModel learned = LearnedModel(seed);
        string directory = Path.Combine(Path.GetTempPath(), $"control-demo-{Environment.ProcessId}-{seed}");
        try
        {
            (DemoModelFree modelFree, TrainReport ppo) = ModelFree(seed, directory);
            return new DemoReport(episodes, jacobians, batches, swingUps, learned, modelFree, Deploy(ppo, directory), MuJoCo(seed), Distill(seed, directory));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Stage 1: one episode of every analytic env under a random policy (env i at seed + i); the MuJoCo robots are stage 8's.</summary>
    public static IReadOnlyList<DemoEpisode> RandomEpisodes(long seed)
        => Envs.Names.Where(name => !MuJoCoEnvs.IsMuJoCo(name)).Select((name, i) => RandomEpisode(name, seed + i)).ToList();

    /// <summary>Stage 2: exact Jacobians against central finite differences, for every env with an analytic model (MuJoCo's are finite differences themselves).</summary>
    public static IReadOnlyList<DemoJacobian> JacobianChecks(long seed)
        => Envs.Names.Select(name => JacobianCheck(name, seed)).Where(r => r is not null).Select(r => r!).ToList();

    /// <summary>Stage 3: 256 copies of cartpole and reacher2d stepped as a batch, on one and two threads.</summary>
    public static IReadOnlyList<DemoBatch> BatchedStepping(long seed)
        => new[] { "cartpole", "reacher2d" }.SelectMany(name => BatchThroughputs(name, 256, [1, 2], seed)).ToList();

    /// <summary>Stage 4: iLQR-MPC swing-ups of the pendulum, the cart-pole and the acrobot (seed + 1).</summary>
    public static IReadOnlyList<DemoSwingUp> SwingUps(long seed)
        => new[] { "pendulum", "cartpole-swingup", "acrobot-swingup" }.Select(name => PlanRun.Run(new PlanRequest(name, "ilqr", seed + 1)))
            .Select(r => new DemoSwingUp(r.Env, r.Horizon, r.Success, r.Return, r.Steps, r.ReplanMsMean ?? double.NaN, r.IterationsMean ?? double.NaN)).ToList();

    /// <summary>Stage 5: the learned-dynamics loop with iLQR-MPC on the pendulum, 2000 real steps (seed + 1).</summary>
    public static DemoLearnedModel LearnedModel(long seed)
    {
        MbrlReport learned = MbrlRun.Run(new MbrlRequest("pendulum", "mpc-ilqr", 2000, seed + 1));
        return new DemoLearnedModel(learned.Env, learned.Method, learned.EnvSteps, learned.Iterations[^1].HoldoutLoss,
            learned.Iterations[^1].MultiStepError, learned.ReturnLearned, learned.ReturnTrueModel, learned.ReturnRandom, learned.Score);
    }

    /// <summary>
    /// Stage 6: PPO (clipped) on CartPole for <see cref="PpoSteps"/> env steps, then 20 deterministic episodes (seed + 1);
    /// the checkpoint is written to <paramref name="directory"/>.
    /// </summary>
    public static (DemoModelFree Stage, TrainReport Run) ModelFree(long seed, string directory)
    {
        TrainReport ppo = TrainRun.Run(new TrainRequest("cartpole", "ppo", PpoSteps, seed + 1) { OutputDirectory = directory });
        return (new DemoModelFree(ppo.Run.Env, ppo.Run.Algorithm, ppo.Training.EnvSteps, ppo.Evaluation.Mean, ppo.Evaluation.Std, ppo.Training.StepsPerSecond,
            ppo.Training.Elapsed.TotalSeconds), ppo);
    }

    /// <summary>Episodes of the deploy stage (the first of stage 6's evaluation seeds).</summary>
    public const int DeployEpisodes = 5;

    /// <summary>
    /// Stage 7: stage 6's checkpoint exported to ONNX and reloaded in ONNX Runtime; run through the control loop on the
    /// cart-pole for <see cref="DeployEpisodes"/> episodes of stage 6's evaluation seeds, once on a simulated clock
    /// (its returns compared with stage 6's evaluation) and once at 1 kHz on the wall clock (its timing); or, when ONNX
    /// Runtime's native library cannot load, the reason.
    /// </summary>
    public static DemoDeploy Deploy(TrainReport ppo, string directory)
    {
        ArgumentNullException.ThrowIfNull(ppo);
        string onnx = Path.Combine(directory, "policy.onnx");
        long evalSeed = Evaluation.SeedOf(ppo.Run.Seed);
        try
        {
            ExportReport export = ExportRun.Run(new ExportRequest(ppo.Checkpoint!, onnx));
            var request = new DeployRequest(onnx, ppo.Run.Env) { Episodes = DeployEpisodes, Seed = evalSeed, RateHz = 1000 };
            DeployReport simulated = DeployRun.Run(request with { SimulatedClock = true });
            DeployReport timed = DeployRun.Run(request);
            bool equal = simulated.Returns.SequenceEqual(ppo.Evaluation.Returns.Take(DeployEpisodes));
            return new DemoDeploy(export.ParityMaxAbsDiff, export.ActionMismatches, simulated.Episodes, simulated.MeanReturn, equal, timed.RateHz,
                timed.TickUsP50, timed.TickUsP99, timed.DeadlineMisses, timed.WatchdogTrips, null);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
            or TypeInitializationException { InnerException: DllNotFoundException or EntryPointNotFoundException or BadImageFormatException })
        {
            return new DemoDeploy(null, 0, 0, null, false, 1000, null, null, 0, 0,
                $"ONNX Runtime's native library could not load ({e.GetType().Name}: {e.Message}); the NuGet package Microsoft.ML.OnnxRuntime ships it for linux-x64, win-x64 and osx-arm64");
        }
    }

    /// <summary>
    /// Stage 8: when MuJoCo is installed, a random episode of every built-in MuJoCo env and iLQR-MPC on the MuJoCo
    /// cart-pole and quadrotor (seed + 1); otherwise the reason, and nothing else in the demo needs MuJoCo.
    /// </summary>
    public static DemoMuJoCo MuJoCo(long seed)
    {
        if (!MuJoCoLibrary.IsAvailable)
        {
            string why;
            try
            {
                MuJoCoLibrary.EnsureAvailable();
                why = "MuJoCo is not available";
            }
            catch (MuJoCoNotInstalledException e)
            {
                why = e.Message;
            }
            return new DemoMuJoCo(null, [], [], why);
        }
        MuJoCoEnvs.Register();
        IReadOnlyList<DemoEpisode> episodes = MuJoCoEnvs.BuiltIn.Select((spec, i) => RandomEpisode(spec.Name, seed + i)).ToList();
        IReadOnlyList<DemoSwingUp> plans = new[] { "mj-cartpole-swingup", "mj-quadrotor" }
            .Select(name => PlanRun.Run(new PlanRequest(name, "ilqr", seed + 1)))
            .Select(r => new DemoSwingUp(r.Env, r.Horizon, r.Success, r.Return, r.Steps, r.ReplanMsMean ?? double.NaN, r.IterationsMean ?? double.NaN)).ToList();
        return new DemoMuJoCo(MuJoCoLibrary.Version, episodes, plans, null);
    }

    /// <summary>Expert labels of the distill stage (six DAgger iterations of five episodes; score 0.92 on the demo's seed, bench/RESULTS.md, "distilling iLQR-MPC").</summary>
    public const int DistillLabels = 6000;

    /// <summary>Evaluation episodes of the distill stage (the expert's, the policy's in Control and in ONNX Runtime).</summary>
    public const int DistillEpisodes = 5;

    /// <summary>
    /// Stage 9: iLQR-MPC on the cart-pole swing-up distilled by DAgger into a network with <see cref="DistillLabels"/> expert
    /// labels (seed + 1); its checkpoint exported to ONNX by `control export` (ONNX Runtime checked against Control on the
    /// parity observations), and the ONNX file run by ONNX Runtime in the control loop, on a simulated clock, on the
    /// <see cref="DistillEpisodes"/> evaluation episodes. Files go to <paramref name="directory"/>.
    /// </summary>
    public static DemoDistill Distill(long seed, string directory)
    {
        const string env = "cartpole-swingup";
        DistillReport distill = DistillRun.Run(new DistillRequest(env, "ilqr", Dagger.Name, seed + 1)
        {
            Steps = DistillLabels, EvaluationEpisodes = DistillEpisodes, OutputDirectory = Path.Combine(directory, "distill"),
        });
        DemoDistill stage = new(env, distill.EnvSteps, distill.Iterations, distill.ExpertReturn, distill.PolicyReturn, distill.Score, distill.ExpertMsPerAction,
            distill.PolicyUsPerAction, null, null, null);
        try
        {
            ExportReport export = ExportRun.Run(new ExportRequest(distill.Checkpoint!, Path.Combine(directory, "distilled.onnx")));
            DeployReport onnx = DeployRun.Run(new DeployRequest(export.Path, env) { Episodes = DistillEpisodes, Seed = Evaluation.SeedOf(seed + 1), SimulatedClock = true });
            return stage with { ParityMaxAbsDiff = export.ParityMaxAbsDiff, OnnxReturn = onnx.MeanReturn };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
            or TypeInitializationException { InnerException: DllNotFoundException or EntryPointNotFoundException or BadImageFormatException })
        {
            return stage with { Unavailable = $"ONNX Runtime's native library could not load ({e.GetType().Name}: {e.Message})" };
        }
    }

    // One seeded episode of random actions for the summary, then the speed of stepping over many more (with resets),
    // the actions continuing the same stream.
    private static DemoEpisode RandomEpisode(string name, long seed)
    {
        IEnv env = Envs.Make(name, seed);
        var rng = new Rng(seed).Fork(1);
        var action = new double[env.ActionSpace.FlatSize];
        var observation = new double[env.ObservationSpace.FlatSize];
        EpisodeResult episode = new EpisodeRunner(env).Run(new RandomPolicy(env.ActionSpace, observation.Length, rng), seed);

        const int timedSteps = 20_000;
        var clock = Stopwatch.StartNew();
        env.Reset(observation);
        for (int t = 0; t < timedSteps; t++)
        {
            env.ActionSpace.Sample(rng, action);
            if (env.Step(action, observation).Done) env.Reset(observation);
        }
        return new DemoEpisode(name, episode.Steps, episode.Return, episode.Terminated, episode.Truncated, timedSteps / clock.Elapsed.TotalSeconds);
    }

    // Compares Linearize with central differences along a random trajectory, where the model is smooth
    // almost everywhere (points on a clip or wrap are rare and would show up as a large error).
    private static DemoJacobian? JacobianCheck(string name, long seed)
    {
        IEnv env = Envs.Make(name, seed);
        if (env.Find<IModelEnv>() is not IModelEnv model || model.Dynamics is MuJoCoDynamics) return null;
        IDynamics f = model.Dynamics;
        int n = f.StateSize, m = f.ControlSize;
        var rng = new Rng(seed).Fork(2);
        var x = new double[n];
        var u = new double[m];
        var next = new double[n];
        var fx = new double[n * n];
        var fu = new double[n * m];
        var fxNumeric = new double[n * n];
        var fuNumeric = new double[n * m];
        DynamicsWorkspace ws = f.CreateWorkspace();
        env.Reset(seed);
        model.GetState(x);
        double errorA = 0, errorB = 0;
        const int points = 20;
        for (int k = 0; k < points; k++)
        {
            f.ControlBounds.Sample(rng, u);
            for (int j = 0; j < m; j++) u[j] *= 0.9;
            f.Linearize(ws, x, u, next, fx, fu);
            FiniteDifferences.Linearize(f, x, u, fxNumeric, fuNumeric);
            for (int i = 0; i < fx.Length; i++) errorA = Math.Max(errorA, Math.Abs(fx[i] - fxNumeric[i]) / (1 + Math.Abs(fx[i])));
            for (int i = 0; i < fu.Length; i++) errorB = Math.Max(errorB, Math.Abs(fu[i] - fuNumeric[i]) / (1 + Math.Abs(fu[i])));
            next.CopyTo(x, 0);
        }
        return new DemoJacobian(name, n, m, points, errorA, errorB);
    }

    // One env's batch on one and on two workers, measured side by side. Timed one after the other, each after its own
    // warm-up, the first configuration of the process still ran the JIT's early code on a loaded machine (the
    // background compiler starved: cart-pole at 1.1M steps/s against 3.5-5M once compiled) and each met a different
    // load, so that two workers showed anything from less than one to several times one (bench/RESULTS.md,
    // 2026-12-05). So both batches warm up in turns for BatchWarmup each (the optimized code in place, the worker
    // threads started), then the timed repetitions alternate between them, the first of each pair changing every
    // round, and each figure is the median of its repetitions.
    private static IEnumerable<DemoBatch> BatchThroughputs(string name, int copies, int[] workerCounts, long seed)
    {
        var batches = workerCounts.Select(workers => new TimedBatch(name, copies, workers, seed)).ToArray();
        try
        {
            while (batches.Any(b => b.WarmupTime < BatchWarmup || b.WarmupSteps < 100))
                foreach (TimedBatch b in batches) b.WarmUp(BatchWarmup / 5);
            for (int round = 0; round < BatchRepetitions; round++)
                foreach (TimedBatch b in round % 2 == 0 ? batches : Enumerable.Reverse(batches)) b.Time();
            return batches.Select(b => b.Result()).ToList();
        }
        finally
        {
            foreach (TimedBatch b in batches) b.Dispose();
        }
    }

    // A batch of env copies stepped with fixed random actions: its warm-up, then timed repetitions of about
    // BatchRepetition each (sized at the warm-up's rate).
    private sealed class TimedBatch : IDisposable
    {
        private readonly IVectorEnv vec;
        private readonly double[] actions;
        private readonly List<double> rates = [];
        private readonly string name;
        private readonly int copies, workers;
        private int stepsPerRepetition;

        public TimedBatch(string name, int copies, int workers, long seed)
        {
            (this.name, this.copies, this.workers) = (name, copies, workers);
            vec = Envs.MakeVector(name, copies, seed, new VectorEnvOptions { Workers = workers });
            vec.Reset(seed);
            var rng = new Rng(seed).Fork(3);
            actions = new double[copies * vec.ActionSize];
            for (int i = 0; i < copies; i++) vec.SingleActionSpace.Sample(rng, actions.AsSpan(i * vec.ActionSize, vec.ActionSize));
        }

        public TimeSpan WarmupTime { get; private set; }

        public int WarmupSteps { get; private set; }

        public void WarmUp(TimeSpan slice)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < slice)
            {
                vec.Step(actions);
                WarmupSteps++;
            }
            WarmupTime += clock.Elapsed;
            stepsPerRepetition = Math.Max(100, (int)(WarmupSteps * (BatchRepetition / WarmupTime)));
        }

        public void Time()
        {
            var clock = Stopwatch.StartNew();
            for (int t = 0; t < stepsPerRepetition; t++) vec.Step(actions);
            rates.Add((double)stepsPerRepetition * copies / clock.Elapsed.TotalSeconds);
        }

        public DemoBatch Result()
        {
            double[] sorted = [.. rates.Order()];
            return new DemoBatch(name, copies, workers, (long)rates.Count * stepsPerRepetition * copies, sorted[sorted.Length / 2]);
        }

        public void Dispose() => vec.Dispose();
    }

    // Batched stepping's warm-up time per configuration, the length of each timed repetition and their number.
    private const int BatchRepetitions = 5;
    private static readonly TimeSpan BatchWarmup = TimeSpan.FromMilliseconds(500), BatchRepetition = TimeSpan.FromMilliseconds(150);
}
