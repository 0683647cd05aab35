using Control.Core;
using Control.Core.Envs;
using Control.Core.Metrics;
using Control.Policies.Common;
using Control.Robots;

namespace Control.Policies.Tests.Common;

public class TrainerTests
{
    // A minimal algorithm: random actions on a vector env, 32 steps per iteration; its checkpoint is the env and generator.
    private sealed class RandomWalk(VectorEnv env, long seed) : IAlgorithm
    {
        private Rng rng = new(seed);
        private readonly double[] actions = new double[env.Count * env.ActionSize];

        public string Name => "random";
        public long EnvSteps { get; private set; }
        public int Iterations { get; private set; }

        public IReadOnlyDictionary<string, double> Iterate()
        {
            double sum = 0;
            for (int t = 0; t < 32; t++)
            {
                for (int i = 0; i < env.Count; i++) env.SingleActionSpace.Sample(rng, actions.AsSpan(i * env.ActionSize, env.ActionSize));
                env.Step(actions);
                sum += env.Rewards.Sum();
                EnvSteps += env.Count;
            }
            Iterations++;
            return new Dictionary<string, double> { ["rollout/reward_sum"] = sum, ["train/iteration"] = Iterations };
        }

        public InferencePolicy InferencePolicy() => throw new NotSupportedException();

        public IPolicy Policy(bool deterministic, long seed = 0) => throw new NotSupportedException();

        public void Save(Checkpoint checkpoint)
        {
            checkpoint.PutEnv("env", env);
            checkpoint.PutRng("rng", rng);
            checkpoint.Put("counters", w =>
            {
                w.Write(EnvSteps);
                w.Write(Iterations);
            });
        }

        public void Load(Checkpoint checkpoint)
        {
            checkpoint.ReadEnv("env", env);
            rng = checkpoint.GetRng("rng");
            checkpoint.Read("counters", r =>
            {
                EnvSteps = r.ReadInt64();
                Iterations = r.ReadInt32();
            });
        }
    }

    private static string TempDirectory() => Path.Combine(Path.GetTempPath(), $"ctl-train-{Guid.NewGuid():N}");

    [Fact]
    public void TrainsToTheBudgetWritesOneCsvRowPerIterationAndACheckpoint()
    {
        string dir = TempDirectory();
        try
        {
            using var env = Envs.MakeVector("cartpole", 2, seed: 1);
            env.Reset(seed: 1);
            var algorithm = new RandomWalk(env, 1);
            TrainingResult result = Trainer.Train(algorithm, new TrainerOptions { TotalSteps = 300, OutputDirectory = dir });
            Assert.Equal(320, result.EnvSteps);
            Assert.Equal(5, result.Iterations);
            Assert.False(result.StoppedByCallback);
            string[] lines = File.ReadAllLines(Path.Combine(dir, Trainer.MetricsFile));
            Assert.Equal("iteration,env_steps,time_s,rollout/reward_sum,train/iteration", lines[0]);
            Assert.Equal(6, lines.Length);
            Assert.StartsWith("5,320,", lines[^1]);
            Assert.True(Checkpoint.Load(Path.Combine(dir, Trainer.CheckpointFile)).Has("env"));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ACallbackReturningFalseStopsTraining()
    {
        using var env = Envs.MakeVector("cartpole", 1, seed: 1);
        env.Reset(seed: 1);
        var seen = new List<int>();
        TrainingResult result = Trainer.Train(new RandomWalk(env, 1), new TrainerOptions { TotalSteps = 10_000 }, [p =>
        {
            seen.Add(p.Iteration);
            return p.Iteration < 3;
        }]);
        Assert.True(result.StoppedByCallback);
        Assert.Equal([1, 2, 3], seen);
        Assert.Equal(96, result.EnvSteps);
    }

    [Fact]
    public void ResumingFromTheCheckpointContinuesTheSameRun()
    {
        string dir = TempDirectory();
        try
        {
            using var straight = Envs.MakeVector("pendulum", 2, seed: 4);
            straight.Reset(seed: 4);
            var reference = new RandomWalk(straight, 4);
            Trainer.Train(reference, new TrainerOptions { TotalSteps = 128, OutputDirectory = dir });
            var expected = Enumerable.Range(0, 3).Select(_ => reference.Iterate()["rollout/reward_sum"]).ToArray();

            using var resumedEnv = Envs.MakeVector("pendulum", 2, seed: 99);
            var resumed = new RandomWalk(resumedEnv, 99);
            resumed.Load(Checkpoint.Load(Path.Combine(dir, Trainer.CheckpointFile)));
            Assert.Equal(128, resumed.EnvSteps);
            Assert.Equal(expected, Enumerable.Range(0, 3).Select(_ => resumed.Iterate()["rollout/reward_sum"]).ToArray());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class RecordingSink : IMetricsSink
    {
        public List<MetricsRow> Rows { get; } = [];

        public void Write(MetricsRow row) => Rows.Add(row);

        public void Dispose() { }
    }

    [Fact]
    public void EveryIterationsMetricsReachTheExtraSinks()
    {
        using var env = Envs.MakeVector("cartpole", 2, seed: 1);
        env.Reset(seed: 1);
        var sink = new RecordingSink();
        TrainingResult result = Trainer.Train(new RandomWalk(env, 1), new TrainerOptions { TotalSteps = 300, Sinks = [sink] });
        Assert.Equal(result.Iterations, sink.Rows.Count);
        Assert.Equal(Enumerable.Range(1, result.Iterations), sink.Rows.Select(r => r.Iteration));
        Assert.Equal(result.EnvSteps, sink.Rows[^1].EnvSteps);
        Assert.Equal(sink.Rows[^1].Iteration, sink.Rows[^1].Values["train/iteration"]);
    }

    [Fact]
    public void BadOptionsAreRefused()
    {
        using var env = Envs.MakeVector("cartpole", 1, seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Train(new RandomWalk(env, 1), new TrainerOptions { TotalSteps = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer.Train(new RandomWalk(env, 1), new TrainerOptions { CheckpointEvery = -1 }));
    }

    [Fact]
    public void EvaluationIsDeterministicForASeedAndSummarizesReturns()
    {
        var policy = new PolicyActor(StochasticPolicy.Create(4, new Discrete(2), new NetworkConfig(), new Rng(3)), null, deterministic: false, seed: 8);
        EvaluationResult first = Evaluation.Run(policy, s => Envs.Make("cartpole", s), 5, 100);
        var again = new PolicyActor(StochasticPolicy.Create(4, new Discrete(2), new NetworkConfig(), new Rng(3)), null, deterministic: false, seed: 8);
        EvaluationResult second = Evaluation.Run(again, s => Envs.Make("cartpole", s), 5, 100);
        Assert.Equal(first.Returns, second.Returns);
        Assert.Equal(first.Returns.Average(), first.Mean, 12);
        Assert.Equal(first.Lengths.Select(l => (double)l), first.Returns);
    }
}
