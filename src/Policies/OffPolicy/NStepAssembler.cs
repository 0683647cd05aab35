// n-step returns for replay: the transition stored for step t is
//   (s_t, a_t, R = r_t + gamma r_{t+1} + ... + gamma^(k-1) r_{t+k-1}, s_{t+k}, gamma^k)
// with k = n, or fewer when the episode ends first. At a termination s' is the last observation and the
// transition is marked terminated (nothing to bootstrap); at a time-limit truncation it is not, so that the
// learner still adds gamma^k max_a Q(s_{t+k}, a). With n = 1 this is the one-step transition of plain DQN.
namespace Control.Policies.OffPolicy;

/// <summary>
/// Turns the steps of each copy of a vector env into n-step transitions and adds them to a replay buffer.
/// Keeps up to n pending steps per copy; an episode end flushes them all with their shortened returns.
/// </summary>
public sealed class NStepAssembler
{
    private readonly IReplayBuffer buffer;
    private readonly int copies;
    private readonly int observationSize;
    private readonly int actionSize;
    private readonly float[] observations;
    private readonly float[] actions;
    private readonly float[] rewards;
    private readonly int[] starts;
    private readonly int[] counts;

    /// <summary>An assembler for <paramref name="copies"/> env copies writing <paramref name="steps"/>-step transitions into <paramref name="buffer"/>.</summary>
    public NStepAssembler(IReplayBuffer buffer, int copies, int steps, double gamma)
    {
        this.buffer = buffer ?? throw new ArgumentNullException(nameof(buffer));
        if (copies <= 0) throw new ArgumentOutOfRangeException(nameof(copies), copies, "NStepAssembler: expected at least one env copy");
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "NStepAssembler: expected NSteps >= 1");
        if (!(gamma >= 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "NStepAssembler: expected a discount gamma in [0, 1]");
        this.copies = copies;
        Steps = steps;
        Gamma = gamma;
        observationSize = buffer.ObservationSize;
        actionSize = buffer.ActionSize;
        observations = new float[copies * steps * observationSize];
        actions = new float[copies * steps * actionSize];
        rewards = new float[copies * steps];
        starts = new int[copies];
        counts = new int[copies];
    }

    /// <summary>n.</summary>
    public int Steps { get; }

    /// <summary>Discount gamma.</summary>
    public double Gamma { get; }

    /// <summary>Steps of copy <paramref name="copy"/> not yet written to the buffer.</summary>
    public int Pending(int copy) => counts[copy];

    /// <summary>
    /// Records that copy <paramref name="copy"/> took <paramref name="action"/> in <paramref name="observation"/>, got
    /// <paramref name="reward"/> and arrived at <paramref name="nextObservation"/> (the episode's last observation when
    /// it ended); writes every transition that is complete.
    /// </summary>
    /// <exception cref="ActionSizeException"><paramref name="action"/> does not have the buffer's action size.</exception>
    public void Add(int copy, ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated)
    {
        if ((uint)copy >= (uint)copies) throw new ArgumentOutOfRangeException(nameof(copy), copy, $"NStepAssembler: expected a copy in [0, {copies - 1}]");
        if (observation.Length != observationSize || nextObservation.Length != observationSize)
            throw new ArgumentException($"NStepAssembler: expected observations of {observationSize} values, got {observation.Length} and {nextObservation.Length}.");
        if (action.Length != actionSize) throw new ActionSizeException("NStepAssembler", actionSize, action.Length);
        int slot = Slot(copy, counts[copy]);
        observation.CopyTo(observations.AsSpan(slot * observationSize, observationSize));
        action.CopyTo(actions.AsSpan(slot * actionSize, actionSize));
        rewards[slot] = reward;
        counts[copy]++;
        if (terminated || truncated)
        {
            while (counts[copy] > 0) Emit(copy, nextObservation, terminated, truncated);
        }
        else if (counts[copy] == Steps)
        {
            Emit(copy, nextObservation, terminated: false, truncated: false);
        }
    }

    // Writes the oldest pending step of `copy` with the discounted sum of all pending rewards, then drops it.
    private void Emit(int copy, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated)
    {
        int k = counts[copy];
        double sum = 0, discount = 1;
        for (int j = 0; j < k; j++)
        {
            sum += discount * rewards[Slot(copy, j)];
            discount *= Gamma;
        }
        int first = Slot(copy, 0);
        buffer.Add(observations.AsSpan(first * observationSize, observationSize), actions.AsSpan(first * actionSize, actionSize), (float)sum, nextObservation, terminated, truncated, (float)discount);
        starts[copy] = (starts[copy] + 1) % Steps;
        counts[copy]--;
    }

    private int Slot(int copy, int offset) => copy * Steps + (starts[copy] + offset) % Steps;

    /// <summary>Writes the pending steps (for checkpoints).</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(copies);
        writer.Write(Steps);
        writer.Write(observationSize);
        writer.Write(actionSize);
        for (int c = 0; c < copies; c++)
        {
            writer.Write(starts[c]);
            writer.Write(counts[c]);
        }
        foreach (float v in observations) writer.Write(v);
        foreach (float a in actions) writer.Write(a);
        foreach (float r in rewards) writer.Write(r);
    }

    /// <summary>Restores pending steps written by <see cref="Write"/> into an assembler made the same way.</summary>
    public void Read(BinaryReader reader)
    {
        int c0 = reader.ReadInt32(), n = reader.ReadInt32(), o = reader.ReadInt32(), a = reader.ReadInt32();
        if (c0 != copies || n != Steps || o != observationSize || a != actionSize)
        {
            throw new InvalidDataException(
                $"NStepAssembler: expected {copies} copies, {Steps} steps, observations of {observationSize} and actions of {actionSize} values, got {c0}, {n}, {o} and {a}.");
        }
        for (int c = 0; c < copies; c++)
        {
            starts[c] = reader.ReadInt32();
            counts[c] = reader.ReadInt32();
            if ((uint)starts[c] >= (uint)Steps || counts[c] < 0 || counts[c] >= Steps)
                throw new InvalidDataException($"NStepAssembler: impossible start {starts[c]} and count {counts[c]} for copy {c}.");
        }
        for (int i = 0; i < observations.Length; i++) observations[i] = reader.ReadSingle();
        for (int i = 0; i < actions.Length; i++) actions[i] = reader.ReadSingle();
        for (int i = 0; i < rewards.Length; i++) rewards[i] = reader.ReadSingle();
    }
}
