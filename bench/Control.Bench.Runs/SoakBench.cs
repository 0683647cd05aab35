// The soak: training (PPO on cart-pole, with a checkpoint written every ten iterations), planning (iLQR-MPC on the
// pendulum, episode after episode) and the control loop (the trained policy's ONNX export in ONNX Runtime, driving the
// simulated pendulum on a simulated clock) each run for a fixed time, sampled at regular intervals for the working
// set, the live managed heap (after a full collection) and the throughput, per wall-clock second and per second of the
// process's CPU time. The first quarter of samples is warm-up (JIT, pools, caches); the second quarter is compared with
// the last: growth of the heap or the working set beyond a tolerance is a leak, a ratio of the throughput per CPU second
// below a bound is a slowdown (the wall-clock throughput is reported beside it, but on a shared machine it follows the
// other processes' load), and either fails the bench.
// What `control bench soak` runs.
using System.Diagnostics;
using Control.Core.Envs;
using Control.Deploy.Loop;
using Control.Deploy.Onnx;
using Control.Experiments;
using Control.Experiments.Progress;
using Control.Planning;
using Control.Planning.IterativeLqr;
using Control.Policies.Common;
using Control.Policies.Registry;
using Control.Robots;

namespace Control.Bench.Runs;

/// <summary>The soak bench.</summary>
public static class SoakBench
{
    /// <summary>Growth of the median live heap or working set (last quarter over second quarter) that counts as a leak, MB.</summary>
    public const double LeakToleranceMb = 32;

    /// <summary>Ratio of the throughput per CPU second (last quarter over second quarter) below which the phase slowed down.</summary>
    public const double SlowdownRatio = 0.7;

    /// <summary>
    /// Runs each phase for <paramref name="minutes"/>, sampled every <paramref name="sampleSeconds"/>;
    /// <paramref name="sampled"/> sees each sample, <paramref name="live"/> the seconds of the three phases as they pass.
    /// </summary>
    public static SoakBenchReport Run(double minutes, double sampleSeconds = 5, Action<string, SoakSample>? sampled = null, IRunProgress? live = null)
    {
        if (!(minutes > 0)) throw new ArgumentOutOfRangeException(nameof(minutes), minutes, "soak: expected a positive number of minutes per phase");
        if (!(sampleSeconds > 0) || sampleSeconds * 8 > minutes * 60)
            throw new ArgumentOutOfRangeException(nameof(sampleSeconds), sampleSeconds, $"soak: expected at least 8 samples per phase of {minutes} minutes");
        string directory = Path.Combine(Path.GetTempPath(), $"ctl-soak-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var progress = new Progress(sampled, live, minutes * 60);
        try
        {
            var phases = new List<SoakPhase>
            {
                Training(minutes, sampleSeconds, directory, progress),
                Planning(minutes, sampleSeconds, progress),
                ControlLoop(minutes, sampleSeconds, directory, progress),
            };
            return new SoakBenchReport(minutes, phases);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static SoakPhase Training(double minutes, double sampleSeconds, string directory, Progress progress)
    {
        (IAlgorithm ppo, RunDescription run) = Algorithms.Start("ppo", "cartpole", long.MaxValue / 2, 1, (env, copies, seed) => Envs.MakeVector(env, copies, seed));
        return Sample("training", "env steps/s", minutes, sampleSeconds, progress, () =>
        {
            long before = ppo.EnvSteps;
            ppo.Iterate();
            if (ppo.Iterations % 10 == 0) Trainer.SaveCheckpoint(ppo, directory, c => c.PutJson(RunDescription.Section, run));
            return ppo.EnvSteps - before;
        });
    }

    private static SoakPhase Planning(double minutes, double sampleSeconds, Progress progress)
    {
        IEnv env = Envs.Make("pendulum", 1);
        IModelEnv model = env.Find<IModelEnv>()!;
        var mpc = new MpcController(new Ilqr(model.Dynamics, model.Cost, new IlqrConfig { Horizon = 50, MaxIterations = 20, WarmMaxIterations = 3 }));
        var observation = new double[env.ObservationSpace.FlatSize];
        var state = new double[model.StateSize];
        var action = new double[env.ActionSpace.FlatSize];
        long episode = 0;
        env.Reset(observation, episode);
        return Sample("planning", "plans/s", minutes, sampleSeconds, progress, () =>
        {
            model.GetState(state);
            mpc.Act(state, action);
            if (env.Step(action, observation).Done)
            {
                env.Reset(observation, ++episode);
                mpc.Reset();
            }
            return 1;
        });
    }

    private static SoakPhase ControlLoop(double minutes, double sampleSeconds, string directory, Progress progress)
    {
        TrainRun.Run(new TrainRequest("pendulum", "ppo", 4096, 1) { OutputDirectory = directory });
        string onnx = Path.Combine(directory, "policy.onnx");
        ExportRun.Run(new ExportRequest(Path.Combine(directory, Trainer.CheckpointFile), onnx));
        using OnnxPolicy policy = OnnxPolicy.Load(onnx, new OnnxPolicyOptions { IntraOpThreads = 1 });
        const int ticks = 2000;
        var clock = new SimulatedClock();
        var io = new SimulatedRobotIO(Envs.Make("pendulum", 1), seed: 1, policy.Input);
        var loop = new Deploy.Loop.ControlLoop(policy, io, new ControlLoopConfig { RateHz = 1000, Ticks = ticks }, clock);
        return Sample("control-loop", "ticks/s", minutes, sampleSeconds, progress, () =>
        {
            loop.Run();
            return ticks;
        });
    }

    // Who hears of the samples, and the seconds of the phases done before the current one.
    private sealed class Progress(Action<string, SoakSample>? sampled, IRunProgress? live, double phaseSeconds)
    {
        private int phasesDone;

        public void Sampled(string phase, SoakSample sample)
        {
            sampled?.Invoke(phase, sample);
            Report(phasesDone * phaseSeconds + Math.Min(sample.Seconds, phaseSeconds), sample);
        }

        public void PhaseDone(SoakSample last) => Report(++phasesDone * phaseSeconds, last);

        private void Report(double seconds, SoakSample sample) => live?.Report("soak (seconds: training, planning, control loop)", seconds, 3 * phaseSeconds,
            [new("working set MB", sample.WorkingSetMb, "F1"), new("live heap MB", sample.LiveHeapMb, "F1"), new("throughput/s", sample.Throughput, "F1")]);
    }

    // Calls `work` (returning units done) until the phase's time is up, sampling every `sampleSeconds`.
    private static SoakPhase Sample(string name, string unit, double minutes, double sampleSeconds, Progress progress, Func<long> work)
    {
        var samples = new List<SoakSample>();
        using var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        double end = minutes * 60, next = sampleSeconds, last = 0;
        double lastCpu = process.TotalProcessorTime.TotalSeconds;
        long units = 0;
        while (clock.Elapsed.TotalSeconds < end)
        {
            units += work();
            double now = clock.Elapsed.TotalSeconds;
            if (now < next) continue;
            process.Refresh();
            double cpu = process.TotalProcessorTime.TotalSeconds;
            double heap = GC.GetTotalMemory(forceFullCollection: true) / 1e6;
            var sample = new SoakSample(now, process.WorkingSet64 / 1e6, heap, units / (now - last), units / Math.Max(cpu - lastCpu, 1e-9));
            samples.Add(sample);
            progress.Sampled(name, sample);
            process.Refresh();
            (units, last, lastCpu) = (0, clock.Elapsed.TotalSeconds, process.TotalProcessorTime.TotalSeconds);
            next = last + sampleSeconds;
        }
        progress.PhaseDone(samples.LastOrDefault() ?? new SoakSample(end, double.NaN, double.NaN, double.NaN, double.NaN));
        int quarter = Math.Max(1, samples.Count / 4);
        IReadOnlyList<SoakSample> second = samples.Skip(quarter).Take(quarter).ToList(), final = samples.TakeLast(quarter).ToList();
        double heapGrowth = Median(final, s => s.LiveHeapMb) - Median(second, s => s.LiveHeapMb);
        double workingSetGrowth = Median(final, s => s.WorkingSetMb) - Median(second, s => s.WorkingSetMb);
        double ratio = Median(final, s => s.Throughput) / Median(second, s => s.Throughput);
        double cpuRatio = Median(final, s => s.CpuThroughput) / Median(second, s => s.CpuThroughput);
        return new SoakPhase(name, unit, samples, heapGrowth, workingSetGrowth, ratio, cpuRatio,
            Leak: heapGrowth > LeakToleranceMb || workingSetGrowth > LeakToleranceMb, Slowdown: cpuRatio < SlowdownRatio);
    }

    private static double Median(IReadOnlyList<SoakSample> samples, Func<SoakSample, double> value)
    {
        double[] sorted = samples.Select(value).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}
