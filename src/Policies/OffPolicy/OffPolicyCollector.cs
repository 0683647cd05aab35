// Off-policy collection, the loop that DQN, DDPG, TD3 and SAC share (as Stable-Baselines3's
// OffPolicyAlgorithm.collect_rollouts): step every copy of a vector env with a behaviour policy and store each
// step in replay, n-step assembled where configured. When a copy's episode ends, the vector env has already reset
// it, so the stored s' is the episode's final observation: a terminated step does not bootstrap from it, a
// truncated one (time limit) does, which is why replay keeps the two flags apart.
// What is not the collector's: when learning starts and how many gradient steps follow each collected step (the
// update-to-data ratio) are the learner's settings (DQN: DqnConfig.LearningStarts, TrainFrequency and
// GradientSteps); the behaviour policy reads the env step count to act randomly before learning starts.
using Control.Core.Envs;
using Control.Policies.Common;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Steps a <see cref="VectorEnv"/> with an <see cref="IBehaviourPolicy"/>, writes the transitions into an
/// <see cref="IReplayBuffer"/> through an <see cref="NStepAssembler"/>, and counts env steps and finished episodes
/// (with the returns and lengths of the last <see cref="RecentEpisodes"/>). Its state between steps (the env, the
/// replay, the pending n-step windows and the counters) is saved and restored by <see cref="Save"/> and <see cref="Load"/>.
/// </summary>
public sealed class OffPolicyCollector
{
    /// <summary>Finished episodes kept for <see cref="MeanEpisodeReturn"/> and <see cref="MeanEpisodeLength"/>.</summary>
    public const int RecentEpisodes = 100;

    /// <summary>Checkpoint section of the replay buffer.</summary>
    public const string ReplaySection = "replay";

    /// <summary>Checkpoint section of the pending n-step windows.</summary>
    public const string NStepSection = "n_step";

    /// <summary>Checkpoint section of the collector's counters (env steps, episodes, recent returns and lengths).</summary>
    public const string CountersSection = "collector";

    private readonly IVectorEnv env;
    private readonly IReplayBuffer replay;
    private readonly IBehaviourPolicy behaviour;
    private readonly NStepAssembler assembler;
    private readonly Space observationSpace;
    private readonly int inputSize;
    private readonly float[] inputs;
    private readonly float[] nextInput;
    private readonly double[] actions;
    private readonly float[] storedAction;
    private readonly Queue<double> recentReturns = new();
    private readonly Queue<int> recentLengths = new();

    /// <summary>
    /// Collects from <paramref name="env"/> (already reset) into <paramref name="replay"/>, acting with
    /// <paramref name="behaviour"/>; each stored return sums <paramref name="nSteps"/> rewards discounted by <paramref name="gamma"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The replay's observation or action size does not fit the env.</exception>
    public OffPolicyCollector(IVectorEnv env, IReplayBuffer replay, IBehaviourPolicy behaviour, int nSteps, double gamma)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        this.replay = replay ?? throw new ArgumentNullException(nameof(replay));
        this.behaviour = behaviour ?? throw new ArgumentNullException(nameof(behaviour));
        observationSpace = env.SingleObservationSpace;
        inputSize = QInputs.Size(observationSpace);
        if (replay.ObservationSize != inputSize)
            throw new ArgumentException($"OffPolicyCollector: expected a replay for observations of {inputSize} inputs ({observationSpace.Describe()}), got {replay.ObservationSize}.");
        if (replay.ActionSize != env.ActionSize)
            throw new ActionSizeException($"OffPolicyCollector: the replay for {env.SingleActionSpace.Describe()}", env.ActionSize, replay.ActionSize);
        assembler = new NStepAssembler(replay, env.Count, nSteps, gamma);
        inputs = new float[env.Count * inputSize];
        nextInput = new float[inputSize];
        actions = new double[env.Count * env.ActionSize];
        storedAction = new float[env.ActionSize];
    }

    /// <summary>The env collected from.</summary>
    public IVectorEnv Env => env;

    /// <summary>The replay written into.</summary>
    public IReplayBuffer Replay => replay;

    /// <summary>The n-step windows.</summary>
    public NStepAssembler Assembler => assembler;

    /// <summary>Env steps taken so far (a vector step of N copies counts N).</summary>
    public long EnvSteps { get; private set; }

    /// <summary>Episodes finished so far.</summary>
    public long Episodes { get; private set; }

    /// <summary>Mean return of the last <see cref="RecentEpisodes"/> finished episodes (NaN before the first).</summary>
    public double MeanEpisodeReturn => recentReturns.Count > 0 ? recentReturns.Average() : double.NaN;

    /// <summary>Mean length of the last <see cref="RecentEpisodes"/> finished episodes (NaN before the first).</summary>
    public double MeanEpisodeLength => recentLengths.Count > 0 ? recentLengths.Average() : double.NaN;

    /// <summary>The actions of the last step (copies x action size).</summary>
    public ReadOnlySpan<double> LastActions => actions;

    /// <summary>
    /// Takes <paramref name="steps"/> vector-env steps, calling <paramref name="afterEachStep"/> (if any) after each one,
    /// where a learner does what its schedule counts in env steps (DQN's target-network updates).
    /// </summary>
    public void Collect(int steps, Action? afterEachStep = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        for (int t = 0; t < steps; t++)
        {
            Step();
            afterEachStep?.Invoke();
        }
    }

    /// <summary>One vector-env step: act, step every copy, store each copy's transition, count finished episodes.</summary>
    public void Step()
    {
        int n = env.Count, a = env.ActionSize;
        QInputs.Encode(observationSpace, env.Observations, inputs);
        behaviour.Act(inputs, EnvSteps, actions);
        env.Step(actions);
        EnvSteps += n;
        for (int i = 0; i < n; i++)
        {
            bool terminated = env.Terminated[i], truncated = env.Truncated[i];
            // After an episode end the env holds the next episode's first observation; s' is the ended one's last.
            double[] next = terminated || truncated ? env.FinalObservations : env.Observations;
            QInputs.Encode(observationSpace, next.AsSpan(i * env.ObservationSize, env.ObservationSize), nextInput);
            for (int j = 0; j < a; j++) storedAction[j] = (float)actions[i * a + j];
            assembler.Add(i, inputs.AsSpan(i * inputSize, inputSize), storedAction, (float)env.Rewards[i], nextInput, terminated, truncated);
            if (!terminated && !truncated) continue;
            RecordEpisode(env.EpisodeReturns[i], env.EpisodeLengths[i]);
            behaviour.EpisodeEnded(i);
        }
    }

    private void RecordEpisode(double episodeReturn, int length)
    {
        Episodes++;
        recentReturns.Enqueue(episodeReturn);
        recentLengths.Enqueue(length);
        if (recentReturns.Count > RecentEpisodes)
        {
            recentReturns.Dequeue();
            recentLengths.Dequeue();
        }
    }

    /// <summary>Stores the env, the replay, the pending n-step windows and the counters.</summary>
    public void Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.PutEnv(CheckpointSections.Env, env);
        checkpoint.Put(ReplaySection, replay.Write);
        checkpoint.Put(NStepSection, assembler.Write);
        checkpoint.Put(CountersSection, w =>
        {
            w.Write(EnvSteps);
            w.Write(Episodes);
            w.Write(recentReturns.Count);
            foreach (double r in recentReturns) w.Write(r);
            foreach (int l in recentLengths) w.Write(l);
        });
    }

    /// <summary>Restores what <see cref="Save"/> stored into a collector made the same way.</summary>
    /// <exception cref="CheckpointException">A section is missing or does not fit.</exception>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.ReadEnv(CheckpointSections.Env, env);
        checkpoint.Read(ReplaySection, replay.Read);
        checkpoint.Read(NStepSection, assembler.Read);
        checkpoint.Read(CountersSection, r =>
        {
            long envSteps = r.ReadInt64(), episodes = r.ReadInt64();
            int count = r.ReadInt32();
            if (envSteps < 0 || episodes < 0 || count < 0 || count > RecentEpisodes || count > episodes)
                throw new InvalidDataException($"expected non-negative counters and at most {RecentEpisodes} recent episodes, got {envSteps} steps, {episodes} episodes and {count} recent");
            var returns = new double[count];
            var lengths = new int[count];
            for (int i = 0; i < count; i++) returns[i] = r.ReadDouble();
            for (int i = 0; i < count; i++) lengths[i] = r.ReadInt32();
            EnvSteps = envSteps;
            Episodes = episodes;
            recentReturns.Clear();
            recentLengths.Clear();
            foreach (double v in returns) recentReturns.Enqueue(v);
            foreach (int l in lengths) recentLengths.Enqueue(l);
        });
    }
}
