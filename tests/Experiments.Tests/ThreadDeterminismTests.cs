// Determinism under threads, end to end: a whole learner (its vector env stepped by 1 or 2 workers, its network's GEMM
// on 1 or 2 tensor threads) and iLQR on a MuJoCo model (finite-difference derivatives split over 1 or 2 threads)
// give bitwise the same result for a seed. The components on their own are tested beside them (GEMM, vector envs,
// sampling planners, iLQR on analytic models, ensembles, ONNX Runtime's intra-op threads).
using Control.Core.Envs;
using Control.Planning;
using Control.Planning.IterativeLqr;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Policies.Registry;
using Control.Robots;
using Control.Robots.MuJoCo;
using Control.Tensors;

namespace Control.Experiments.Tests;

public class ThreadDeterminismTests
{
    [Theory]
    [InlineData("ppo", "cartpole", 2)]
    [InlineData("sac", "pendulum", 20)]
    [InlineData("dqn", "cartpole", 6)]
    public void ALearnerGivesTheSameCheckpointOnOneAndTwoThreads(string algo, string env, int iterations)
    {
        Dictionary<string, byte[]> Train(int threads)
        {
            using TensorThreads.Scope scope = TensorThreads.Use(threads);
            VectorEnv MakeVector(string name, int copies, long seed) => Envs.MakeVector(name, copies, seed, new VectorEnvOptions { Workers = threads });
            // SAC with two env copies and a short warm-up, so that its 20 iterations include updates.
            IAlgorithm algorithm = algo == "sac"
                ? new Sac(MakeVector(env, 2, 3), new SacConfig { Envs = 2, LearningStarts = 16, BatchSize = 16, Network = new NetworkConfig { Hidden = [32, 32] } }, 3)
                : Algorithms.Start(algo, env, 100_000, 3, MakeVector).Algorithm;
            for (int i = 0; i < iterations; i++) algorithm.Iterate();
            var checkpoint = new Checkpoint();
            algorithm.Save(checkpoint);
            return checkpoint.Sections.ToDictionary(s => s, s => checkpoint.Get(s, r => r.ReadBytes((int)r.BaseStream.Length)));
        }

        Dictionary<string, byte[]> one = Train(1), two = Train(2);
        Assert.Equal(one.Keys, two.Keys);
        foreach (string section in one.Keys) Assert.True(one[section].AsSpan().SequenceEqual(two[section]), $"{algo}: section {section} differs between 1 and 2 threads");
    }

    [Fact]
    public void IlqrOnAMuJoCoModelGivesTheSamePlanOnOneAndTwoThreads()
    {
        MuJoCoEnvs.Register();
        IEnv env = Envs.Make("mj-cartpole-swingup", 1);
        IModelEnv model = env.Find<IModelEnv>()!;
        env.Reset(new double[env.ObservationSpace.FlatSize], 1);
        var x0 = new double[model.StateSize];
        model.GetState(x0);
        PlanResult Plan(int threads) => new Ilqr(model.Dynamics, model.Cost, new IlqrConfig { Horizon = 30, MaxIterations = 3, Threads = threads }).Plan(x0);
        PlanResult one = Plan(1), two = Plan(2);
        Assert.Equal(one.Trajectory.Controls, two.Trajectory.Controls);
        Assert.Equal(one.Trajectory.States, two.Trajectory.States);
        Assert.Equal(one.Cost, two.Cost);
    }
}
