// Speed of one receding-horizon replan of the sampling planners on the pendulum: CEM and MPPI with 400 samples x
// horizon 30 x 5 iterations (60k model steps and stage costs per replan), on one thread, two threads, and the
// automatic choice; and the same on a tiny problem (16 samples x horizon 5 x 5 iterations), where handing work to
// a second thread costs more than it saves. Replans/s = 1 / mean time.
// Run: dotnet run -c Release --project bench/Control.Bench -- --filter '*Sampling*'
using BenchmarkDotNet.Attributes;
using Control.Core.Envs;
using Control.Planning.Sampling;
using Control.Robots;

namespace Control.Bench;

/// <summary>One warm-started replan (shift by one step, then plan) of CEM and MPPI on "pendulum".</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class PlannerSamplingBenchmarks
{
    private Cem cem = null!;
    private Mppi mppi = null!;
    private readonly double[] x0 = [2.5, -0.5];

    /// <summary>Samples x horizon x iterations.</summary>
    [Params("400x30x5", "16x5x5")]
    public string Size { get; set; } = "";

    /// <summary>Rollout threads (0: automatic).</summary>
    [Params(1, 2, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int[] size = Size.Split('x').Select(int.Parse).ToArray();
        IModelEnv env = Envs.Make("pendulum", 0).Find<IModelEnv>()!;
        cem = new Cem(env.Dynamics, env.Cost, new CemConfig { Population = size[0], Horizon = size[1], Iterations = size[2], Threads = Threads, Seed = 1 });
        mppi = new Mppi(env.Dynamics, env.Cost, new MppiConfig { Samples = size[0], Horizon = size[1], Iterations = size[2], Threads = Threads, Seed = 1 });
        // Let the automatic mode time its first evaluations before measuring.
        for (int i = 0; i < 4; i++)
        {
            cem.Plan(x0);
            mppi.Plan(x0);
        }
    }

    [Benchmark]
    public double CemReplan()
    {
        cem.ShiftWarmStart(1);
        return cem.Plan(x0).Cost;
    }

    [Benchmark]
    public double MppiReplan()
    {
        mppi.ShiftWarmStart(1);
        return mppi.Plan(x0).Cost;
    }
}
