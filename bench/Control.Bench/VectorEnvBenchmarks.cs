using BenchmarkDotNet.Attributes;
using Control.Core;
using Control.Core.Envs;
using Control.Robots;

namespace Control.Bench;

/// <summary>A batch step of N envs with automatic reset, on one thread and on two.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class VectorEnvBenchmarks : IDisposable
{
    private VectorEnv batch = null!;
    private double[] actions = null!;

    [Params("cartpole", "reacher2d")]
    public string Env { get; set; } = "";

    [Params(16, 256)]
    public int Copies { get; set; }

    [Params(1, 2)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        batch = Envs.MakeVector(Env, Copies, 0, new VectorEnvOptions { Workers = Workers });
        batch.Reset(0);
        actions = new double[Copies * batch.ActionSize];
        var rng = new Rng(3);
        for (int i = 0; i < Copies; i++) batch.SingleActionSpace.Sample(rng, actions.AsSpan(i * batch.ActionSize, batch.ActionSize));
    }

    [Benchmark]
    public void Step() => batch.Step(actions);

    [GlobalCleanup]
    public void Dispose() => batch.Dispose();
}
