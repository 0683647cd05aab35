// Speed of the analytic robots: one env step, exact Jacobians against the finite differences a user would
// otherwise compute (2 (n + m) extra steps), exact cost derivatives, and batched stepping on one and two threads.
using BenchmarkDotNet.Attributes;
using Control.Dynamics;
using Control.Robots;
using Control.Tensors;

namespace Control.Bench;

/// <summary>One Step of a registered env (with a reset when an episode ends).</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class EnvStepBenchmarks
{
    private IEnv env = null!;
    private double[] action = null!;
    private double[] observation = null!;

    [Params("pendulum", "cartpole", "acrobot", "quadrotor2d", "reacher2d")]
    public string Env { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        env = Envs.Make(Env, 0);
        action = new double[env.ActionSpace.FlatSize];
        env.ActionSpace.Sample(new Rng(1), action);
        observation = new double[env.ObservationSpace.FlatSize];
        env.Reset(observation, 0);
    }

    [Benchmark]
    public double Step()
    {
        StepResult r = env.Step(action, observation);
        if (r.Done) env.Reset(observation);
        return r.Reward;
    }
}

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
