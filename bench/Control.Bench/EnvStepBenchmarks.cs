// Speed of the analytic robots: one env step, exact Jacobians against the finite differences a user would
// otherwise compute (2 (n + m) extra steps), exact cost derivatives, and batched stepping on one and two threads.
using BenchmarkDotNet.Attributes;
using Control.Core;
using Control.Core.Envs;
using Control.Robots;

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
