// Step rate of each MuJoCo task from C# (MuJoCoDynamics.Step, Substeps 1: one mj_step per call) against the same
// loop in C (bench/mujoco/step_rate.c, compiled here with cc -O2 against libmujoco), on one thread and on two (each
// thread its own workspace / mjData, state and control generator), and the time per Jacobian: MuJoCoDynamics.
// Linearize (forward and centred differences; our call includes the nominal step, the state copy and the argument
// checks, which is what users pay) against mjd_transitionFD alone in C. Both sides run a fixed number of steps,
// sized from a C# calibration run so that each run takes about seconds / Repeats; C and C# runs alternate (the
// first side changes every repeat) so that the load of a shared machine falls on both alike, and the median of
// the repeats is reported. Step rates are given per second of wall time and per second of the stepping threads' own
// CPU time: on a shared machine the second is free of the time slices other processes take. Both sides draw the same controls from the same seeded generator, so each C# run must
// end in exactly the state of its C run: TrajectoriesMatch. What `control bench mujoco` runs.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Control.Experiments.Progress;
using Control.Robots.MuJoCo;

namespace Control.Bench.Runs;

/// <summary>The MuJoCo step-rate bench.</summary>
public static class MuJoCoBench
{
    /// <summary>Alternating C and C# runs per figure.</summary>
    public const int Repeats = 5;

    /// <summary>Steps between resets of the state to [qpos0, 0, 0].</summary>
    public const int Horizon = 200;

    private const ulong Seed = 1;

    /// <summary>The seven tasks: env name and embedded model file.</summary>
    public static IReadOnlyList<(string Env, string Model)> Tasks { get; } =
    [
        ("mj-cartpole-swingup", "cartpole-swingup.xml"), ("mj-acrobot-swingup", "acrobot-swingup.xml"), ("mj-reacher", "reacher.xml"),
        ("mj-swimmer", "swimmer.xml"), ("mj-hopper", "hopper.xml"), ("mj-cheetah", "cheetah.xml"), ("mj-quadrotor", "quadrotor.xml"),
    ];

    /// <summary>
    /// Measures every task of <paramref name="envs"/> (all seven when null or empty) for about
    /// <paramref name="seconds"/> per figure and side; <paramref name="rowDone"/> sees each row when it is measured,
    /// <paramref name="live"/> each alternating run (C# and C) of each figure.
    /// </summary>
    public static MuJoCoBenchReport Run(double seconds = 0.5, IReadOnlyList<string>? envs = null, Action<MuJoCoBenchRow>? rowDone = null, IRunProgress? live = null)
    {
        if (!(seconds > 0)) throw new ArgumentException($"expected --seconds > 0, got {seconds}");
        var chosen = Tasks.Where(t => envs is null || envs.Count == 0 || envs.Contains(t.Env)).ToList();
        if (envs is not null && envs.FirstOrDefault(e => !Tasks.Any(t => t.Env == e)) is { } unknown)
            throw new ArgumentException($"{unknown}: no such MuJoCo task; expected one of {string.Join(", ", Tasks.Select(t => t.Env))}");
        MuJoCoLibrary.EnsureAvailable();
        double? loadBefore = LoadAverage();
        var run = new Session(seconds, live, chosen.Count * FiguresPerTask * Repeats);
        try
        {
            run.Compile();
            var rows = new List<MuJoCoBenchRow>();
            foreach ((string env, string file) in chosen)
                foreach (MuJoCoBenchRow row in run.Measure(env, file))
                {
                    rows.Add(row);
                    rowDone?.Invoke(row);
                }
            return new MuJoCoBenchReport(rows, Repeats, Horizon, run.Compared == 0 ? null : run.Mismatches.Count == 0, run.Mismatches,
                MuJoCoLibrary.Version, FmaPeak.DescribeCpu(), loadBefore, LoadAverage(), run.CError);
        }
        finally
        {
            run.C?.Dispose();
        }
    }

    private static double? LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>One run of a measurement: its figure, its rate per CPU second (NaN when not measured) and the checksum of its final states.</summary>
    private readonly record struct Sample(double Value, double CpuRate, double Checksum);

    /// <summary>The medians of a figure's repeats; C's are null when the C program did not run every repeat.</summary>
    private readonly record struct Medians(double Control, double? C, double? ControlCpu, double? CCpu);

    // Figures per task: the step rate on one and on two threads, forward and centred Jacobians.
    private const int FiguresPerTask = 4;

    /// <summary>One bench run: the C program (while it works), the comparisons made and the runs done of <paramref name="runs"/>.</summary>
    private sealed class Session(double seconds, IRunProgress? live, int runs)
    {
        private readonly double perRun = seconds / Repeats;
        private readonly double warmUp = Math.Min(0.25, seconds);
        private int runsDone;

        public MuJoCoCPeer? C { get; private set; }
        public string? CError { get; private set; }
        public int Compared { get; private set; }
        public List<string> Mismatches { get; } = [];

        public void Compile()
        {
            try
            {
                C = MuJoCoCPeer.Compile();
            }
            catch (InvalidOperationException e)
            {
                CError = e.Message;
            }
        }

        public List<MuJoCoBenchRow> Measure(string env, string file)
        {
            string xml = MuJoCoEnvs.EmbeddedModel(file);
            using MuJoCoModel model = MuJoCoModel.FromXml(xml, file);
            var forward = new MuJoCoDynamics(model);
            var centered = new MuJoCoDynamics(model, new MuJoCoDynamicsConfig { Centered = true });
            string? path = C?.WriteModel(file, xml);

            long steps = Math.Max(100, (long)(StepRateEstimate(new MuJoCoStepLoop(forward, Seed, Horizon)) * perRun));
            var rates = new Dictionary<int, Medians>();
            foreach (int threads in new[] { 1, 2 })
            {
                MuJoCoStepLoop[] loops = Enumerable.Range(0, threads).Select(t => new MuJoCoStepLoop(forward, Seed + (ulong)t, Horizon)).ToArray();
                rates[threads] = Alternate(
                    () =>
                    {
                        (double rate, double cpuRate) = StepRate(loops, steps);
                        double checksum = 0;
                        foreach (MuJoCoStepLoop loop in loops) checksum += loop.Checksum;
                        return new Sample(rate, cpuRate, checksum);
                    },
                    () =>
                    {
                        MuJoCoCResult r = C!.Run(path!, "step", threads, steps, Horizon, Seed);
                        return new Sample(r.StepsPerSecond, r.StepsPerCpuSecond, r.Checksum);
                    },
                    $"{env} step, {threads} thread(s)");
            }

            var jacobian = new MuJoCoStepLoop(forward, Seed, Horizon);
            long calls = Math.Max(4, (long)(perRun / JacobianSecondsEstimate(jacobian, centered)));
            var fd = new Dictionary<bool, Medians>();
            foreach (bool centre in new[] { false, true })
            {
                MuJoCoDynamics differences = centre ? centered : forward;
                fd[centre] = Alternate(
                    () =>
                    {
                        jacobian.Linearize(differences, Math.Max(1, calls / 4));
                        return new Sample(1e6 * jacobian.Linearize(differences, calls) / calls, double.NaN, jacobian.Checksum);
                    },
                    () =>
                    {
                        MuJoCoCResult r = C!.Run(path!, centre ? "fdc" : "fd", 1, calls, Horizon, Seed);
                        return new Sample(r.UsPerJacobian, double.NaN, r.Checksum);
                    },
                    $"{env} Jacobians ({(centre ? "centred" : "forward")})");
            }

            MuJoCoBenchRow Row(int threads, bool one)
            {
                Medians r = rates[threads];
                return new(env, threads, r.Control, r.C, r.Control / r.C, one ? fd[false].Control : null, one ? fd[true].Control : null,
                    one ? fd[false].C : null, one ? fd[true].C : null, r.ControlCpu, r.CCpu, r.ControlCpu / r.CCpu);
            }
            return [Row(1, one: true), Row(2, one: false)];
        }

        // Repeats of the C# and the C measurement, alternating which goes first; the medians, and the final states compared.
        private Medians Alternate(Func<Sample> control, Func<Sample> c, string what)
        {
            List<double> controlValues = [], cValues = [], controlCpu = [], cCpu = [];
            string? mismatch = null;
            for (int r = 0; r < Repeats; r++)
            {
                Sample? theirs = r % 2 == 0 ? TryC(c) : null;
                Sample ours = control();
                if (r % 2 == 1) theirs = TryC(c);
                controlValues.Add(ours.Value);
                controlCpu.Add(ours.CpuRate);
                live?.Report("MuJoCo figures (alternating C# and C runs)", ++runsDone, runs, [new("C#", ours.Value, "G4"), new("C", theirs?.Value ?? double.NaN, "G4")]);
                if (theirs is not { } t) continue;
                cValues.Add(t.Value);
                cCpu.Add(t.CpuRate);
                Compared++;
                if (t.Checksum != ours.Checksum && mismatch is null)
                    mismatch = string.Create(CultureInfo.InvariantCulture, $"{what}: C# checksum {ours.Checksum:R}, C {t.Checksum:R}");
            }
            if (mismatch is not null) Mismatches.Add(mismatch);
            bool complete = cValues.Count == Repeats;
            return new Medians(Median(controlValues), complete ? Median(cValues) : null, Finite(Median(controlCpu)), complete ? Finite(Median(cCpu)) : null);
        }

        private static double? Finite(double value) => double.IsFinite(value) ? value : null;

        private Sample? TryC(Func<Sample> c)
        {
            if (C is null) return null;
            try
            {
                return c();
            }
            catch (InvalidOperationException e)
            {
                CError = e.Message;
                C.Dispose();
                C = null;
                return null;
            }
        }

        // Steps per second of one loop over the warm-up time (which also lets the JIT settle).
        private double StepRateEstimate(MuJoCoStepLoop loop)
        {
            long steps = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < warmUp)
            {
                loop.Step(Horizon);
                steps += Horizon;
            }
            return steps / clock.Elapsed.TotalSeconds;
        }

        // Seconds per centred Jacobian (the slower kind) over the warm-up time, both kinds called.
        private double JacobianSecondsEstimate(MuJoCoStepLoop loop, MuJoCoDynamics centered)
        {
            double inside = 0;
            long calls = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < warmUp || calls == 0)
            {
                inside += loop.Linearize(centered, 4);
                calls += 4;
            }
            return inside / calls;
        }

        // All loops at once on their own threads, each after a warm-up of a quarter of the steps (as in C); mj_steps per
        // second of all together, and per second of the threads' summed CPU time.
        private static (double Wall, double Cpu) StepRate(MuJoCoStepLoop[] loops, long steps)
        {
            using var start = new Barrier(loops.Length + 1);
            using var end = new Barrier(loops.Length + 1);
            var errors = new Exception?[loops.Length];
            var cpu = new double[loops.Length];
            Thread[] threads = loops.Select((loop, i) => new Thread(() =>
            {
                try
                {
                    loop.Step(Math.Max(1, steps / 4));
                }
                catch (Exception e)
                {
                    errors[i] = e;
                }
                start.SignalAndWait();
                try
                {
                    double cpuStart = ThreadCpuClock.Seconds();
                    if (errors[i] is null) loop.Step(steps);
                    cpu[i] = ThreadCpuClock.Seconds() - cpuStart;
                }
                catch (Exception e)
                {
                    errors[i] = e;
                }
                end.SignalAndWait();
            })).ToArray();
            foreach (Thread thread in threads) thread.Start();
            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            end.SignalAndWait();
            double elapsed = clock.Elapsed.TotalSeconds;
            foreach (Thread thread in threads) thread.Join();
            if (errors.FirstOrDefault(e => e is not null) is { } error) ExceptionDispatchInfo.Capture(error).Throw();
            return (loops.Length * steps / elapsed, loops.Length * steps / cpu.Sum());
        }
    }
}
