using BenchmarkDotNet.Attributes;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Robots;

namespace Control.Bench;

/// <summary>Jacobians A, B at one point: forward-mode exact against central finite differences.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class LinearizeBenchmarks
{
    private IDynamics model = null!;
    private ICost cost = null!;
    private DynamicsWorkspace workspace = null!;
    private double[] x = null!, u = null!, next = null!, fx = null!, fu = null!;
    private CostDerivatives derivatives = null!;

    [Params("cartpole-swingup", "quadrotor2d", "reacher2d")]
    public string Env { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        IModelEnv env = Envs.Make(Env, 0).Find<IModelEnv>()!;
        env.Reset(seed: 0);
        model = env.Dynamics;
        cost = env.Cost;
        workspace = model.CreateWorkspace();
        x = new double[model.StateSize];
        env.GetState(x);
        u = new double[model.ControlSize];
        model.ControlBounds.Sample(new Rng(2), u);
        next = new double[model.StateSize];
        fx = new double[model.StateSize * model.StateSize];
        fu = new double[model.StateSize * model.ControlSize];
        derivatives = new CostDerivatives(model.StateSize, model.ControlSize);
    }

    [Benchmark(Baseline = true)]
    public void CentralDifferences() => FiniteDifferences.Linearize(model, x, u, fx, fu);

    [Benchmark]
    public void Exact() => model.Linearize(workspace, x, u, next, fx, fu);

    [Benchmark]
    public void StepOnly() => model.Step(workspace, x, u, next);

    [Benchmark]
    public void CostDerivativesExact() => cost.StageDerivatives(x, u, derivatives);
}
