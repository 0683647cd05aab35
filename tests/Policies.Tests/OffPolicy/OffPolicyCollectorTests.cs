using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OffPolicy;

namespace Control.Policies.Tests.OffPolicy;

public class OffPolicyCollectorTests
{
    // A walk on the line with a two-dimensional continuous action: x' = x + u0 - 0.5 u1, reward x'. It starts at a
    // random x in [0, 1), terminates past x = 2 and is cut by a time limit after 5 steps.
    private sealed class Walk : Env
    {
        public const int TimeLimit = 5;
        private double x;
        private int steps;

        public Walk(long seed) : base("walk", Box.Uniform(1, -100, 100), Box.Uniform(2, -1, 1), seed) { }

        protected override void ResetCore(Span<double> observation)
        {
            x = Random.NextDouble();
            steps = 0;
            observation[0] = x;
        }

        protected override StepResult StepCore(ReadOnlySpan<double> action, Span<double> observation)
        {
            x += action[0] - 0.5 * action[1];
            steps++;
            observation[0] = x;
            bool terminated = x > 2;
            return new StepResult(x, terminated, !terminated && steps == TimeLimit);
        }

        protected override void WriteState(BinaryWriter writer)
        {
            writer.Write(x);
            writer.Write(steps);
        }

        protected override void ReadState(BinaryReader reader)
        {
            x = reader.ReadDouble();
            steps = reader.ReadInt32();
        }
    }

    // Uniform actions in [-0.3, 1) from its own generator, so that episodes end both ways.
    private sealed class RandomBehaviour(Rng rng) : IBehaviourPolicy
    {
        public Rng Rng { get; set; } = rng;

        public void Act(ReadOnlySpan<float> inputs, long envSteps, Span<double> actions)
        {
            for (int i = 0; i < actions.Length; i++) actions[i] = Rng.Uniform(-0.3, 1);
        }
    }

    private const int Copies = 3;

    private static (VectorEnv Env, ReplayBuffer Replay, RandomBehaviour Behaviour, OffPolicyCollector Collector) Make(long seed, int nSteps = 1, int capacity = 1000)
    {
        var env = new VectorEnv(i => new Walk(seed + i), Copies);
        env.Reset(seed);
        var replay = new ReplayBuffer(capacity, 1, 2);
        var behaviour = new RandomBehaviour(new Rng(seed + 77));
        return (env, replay, behaviour, new OffPolicyCollector(env, replay, behaviour, nSteps, 0.9));
    }

    // Every slot of the buffer as one row of numbers: s, a, R, s', terminated, truncated, discount.
    private static List<float[]> Contents(ReplayBuffer replay) => Enumerable.Range(0, replay.Count)
        .Select(s => replay.ObservationAt(s).ToArray().Concat(replay.ActionAt(s).ToArray())
            .Concat([replay.RewardAt(s)]).Concat(replay.NextObservationAt(s).ToArray())
            .Concat([replay.IsTerminated(s) ? 1f : 0f, replay.IsTruncated(s) ? 1f : 0f, replay.DiscountAt(s)]).ToArray())
        .ToList();

    [Fact]
    public void TransitionsMatchAHandRunOfTheEnvAndTruncationsKeepTheFinalObservation()
    {
        const long seed = 4;
        (VectorEnv env, ReplayBuffer replay, _, OffPolicyCollector collector) = Make(seed);
        using var owned = env;
        // The same copies, stepped by hand with the actions the collector took.
        var hand = Enumerable.Range(0, Copies).Select(i => new Walk(seed + i)).ToArray();
        var observations = new double[Copies][];
        for (int i = 0; i < Copies; i++)
        {
            observations[i] = new double[1];
            hand[i].Reset(observations[i], seed + i);
        }
        var running = new double[Copies];
        var runningLengths = new int[Copies];
        var returns = new List<double>();
        var lengths = new List<int>();
        int terminations = 0, truncations = 0;
        const int steps = 40;
        for (int t = 0; t < steps; t++)
        {
            collector.Step();
            double[] actions = collector.LastActions.ToArray();
            for (int i = 0; i < Copies; i++)
            {
                int slot = t * Copies + i;
                double before = observations[i][0];
                var next = new double[1];
                StepResult r = hand[i].Step(actions.AsSpan(2 * i, 2), next);
                Assert.Equal((float)before, replay.ObservationAt(slot)[0]);
                Assert.Equal([(float)actions[2 * i], (float)actions[2 * i + 1]], replay.ActionAt(slot).ToArray());
                Assert.Equal((float)r.Reward, replay.RewardAt(slot));
                // s' is the step's own next observation, also where the episode ended and the env was reset.
                Assert.Equal((float)next[0], replay.NextObservationAt(slot)[0]);
                Assert.Equal(r.Terminated, replay.IsTerminated(slot));
                Assert.Equal(r.Truncated, replay.IsTruncated(slot));
                Assert.Equal(0.9f, replay.DiscountAt(slot));
                running[i] += r.Reward;
                runningLengths[i]++;
                observations[i] = next;
                if (r.Done)
                {
                    terminations += r.Terminated ? 1 : 0;
                    truncations += r.Truncated ? 1 : 0;
                    returns.Add(running[i]);
                    lengths.Add(runningLengths[i]);
                    running[i] = 0;
                    runningLengths[i] = 0;
                    hand[i].Reset(observations[i]);
                    // The collector's env now holds the next episode's first observation, which is not what was stored.
                    Assert.Equal(observations[i][0], env.Observations[i]);
                    Assert.NotEqual((float)observations[i][0], replay.NextObservationAt(slot)[0]);
                }
            }
        }
        Assert.True(terminations > 0 && truncations > 0, $"expected both episode ends in the run, got {terminations} terminations and {truncations} truncations");
        Assert.Equal(steps * Copies, collector.EnvSteps);
        Assert.Equal(steps * Copies, replay.Count);
        // Episodes of all copies are counted, in the order they ended.
        Assert.Equal(returns.Count, collector.Episodes);
        Assert.Equal(returns.Average(), collector.MeanEpisodeReturn, 12);
        Assert.Equal(lengths.Average(), collector.MeanEpisodeLength, 12);
    }

    [Fact]
    public void TheSameSeedGivesTheSameTransitions()
    {
        List<float[]> Run(long seed)
        {
            (VectorEnv env, ReplayBuffer replay, _, OffPolicyCollector collector) = Make(seed, nSteps: 3);
            using var owned = env;
            collector.Collect(25);
            return Contents(replay);
        }
        List<float[]> first = Run(9);
        Assert.Equal(first, Run(9));
        Assert.NotEqual(first, Run(10));
    }

    [Fact]
    public void AfterEachStepRunsOncePerVectorStep()
    {
        (VectorEnv env, _, _, OffPolicyCollector collector) = Make(1);
        using var owned = env;
        var seen = new List<long>();
        collector.Collect(4, () => seen.Add(collector.EnvSteps));
        Assert.Equal([3L, 6, 9, 12], seen);
    }

    [Fact]
    public void CheckpointRestoreContinuesExactly()
    {
        // 3-step windows and a buffer that wraps, so that the windows, the ring position and the env all matter.
        (VectorEnv straightEnv, ReplayBuffer straight, RandomBehaviour straightBehaviour, OffPolicyCollector straightCollector) = Make(3, nSteps: 3, capacity: 50);
        using var ownedStraight = straightEnv;
        straightCollector.Collect(11);
        var checkpoint = new Checkpoint();
        straightCollector.Save(checkpoint);
        checkpoint.PutRng("rng/behaviour", straightBehaviour.Rng);
        string path = Path.Combine(Path.GetTempPath(), $"ctl-collector-{Guid.NewGuid():N}.ctl");
        try
        {
            checkpoint.Save(path);
            (VectorEnv resumedEnv, ReplayBuffer resumed, RandomBehaviour resumedBehaviour, OffPolicyCollector resumedCollector) = Make(500, nSteps: 3, capacity: 50);
            using var ownedResumed = resumedEnv;
            Checkpoint loaded = Checkpoint.Load(path);
            resumedCollector.Load(loaded);
            resumedBehaviour.Rng = loaded.GetRng("rng/behaviour");
            Assert.True(straightCollector.Episodes > 0);
            straightCollector.Collect(17);
            resumedCollector.Collect(17);
            Assert.Equal(Contents(straight), Contents(resumed));
            Assert.Equal(straight.Position, resumed.Position);
            Assert.Equal(straightCollector.EnvSteps, resumedCollector.EnvSteps);
            Assert.Equal(straightCollector.Episodes, resumedCollector.Episodes);
            Assert.Equal(straightCollector.MeanEpisodeReturn, resumedCollector.MeanEpisodeReturn);
            Assert.Equal(straightCollector.MeanEpisodeLength, resumedCollector.MeanEpisodeLength);
            for (int i = 0; i < Copies; i++) Assert.Equal(straightCollector.Assembler.Pending(i), resumedCollector.Assembler.Pending(i));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AReplayOfAnotherActionSizeIsRefused()
    {
        using var env = new VectorEnv(i => new Walk(i), 1);
        env.Reset(0);
        var e = Assert.Throws<ActionSizeException>(() => new OffPolicyCollector(env, new ReplayBuffer(10, 1, 1), new RandomBehaviour(new Rng(0)), 1, 0.9));
        Assert.Equal(2, e.Expected);
        Assert.Equal(1, e.Actual);
        Assert.Contains("Box", e.Message);
    }
}
