using Control.Dynamics.Learned;

namespace Control.ModelBased.Svg;

/// <summary>
/// The real transitions of the SVG learners, in the order they happened (one env), with the behaviour policy's
/// log-density of each action (for SVG(1)-ER's importance weights) and the episode boundaries (for SVG(inf)'s
/// trajectories). It keeps everything: the model is refitted on all of it.
/// </summary>
public sealed class SvgReplay
{
    private double[] states, actions, noises, nextStates, rewards, logProbs;
    private bool[] terminated;
    private readonly List<int> episodeStarts = [0];

    /// <summary>An empty store of transitions of <paramref name="stateSize"/> states and <paramref name="actionSize"/> actions.</summary>
    public SvgReplay(int stateSize, int actionSize, int capacity = 1024)
    {
        StateSize = stateSize;
        ActionSize = actionSize;
        capacity = Math.Max(capacity, 1);
        states = new double[capacity * stateSize];
        actions = new double[capacity * actionSize];
        noises = new double[capacity * actionSize];
        nextStates = new double[capacity * stateSize];
        rewards = new double[capacity];
        logProbs = new double[capacity];
        terminated = new bool[capacity];
    }

    /// <summary>n.</summary>
    public int StateSize { get; }

    /// <summary>m.</summary>
    public int ActionSize { get; }

    /// <summary>Transitions held.</summary>
    public int Count { get; private set; }

    /// <summary>States (Count x n).</summary>
    public ReadOnlySpan<double> States => states.AsSpan(0, Count * StateSize);

    /// <summary>Actions (Count x m).</summary>
    public ReadOnlySpan<double> Actions => actions.AsSpan(0, Count * ActionSize);

    /// <summary>
    /// The policy noise of each action at the time it was taken (Count x m): the eta the acting policy drew, or for a
    /// random action the eta under which the policy of that time gives it. SVG(inf) freezes these.
    /// </summary>
    public ReadOnlySpan<double> Noises => noises.AsSpan(0, Count * ActionSize);

    /// <summary>Next states (Count x n).</summary>
    public ReadOnlySpan<double> NextStates => nextStates.AsSpan(0, Count * StateSize);

    /// <summary>Rewards.</summary>
    public ReadOnlySpan<double> Rewards => rewards.AsSpan(0, Count);

    /// <summary>Whether each transition ended its episode in a terminal state (not a time limit).</summary>
    public ReadOnlySpan<bool> Terminated => terminated.AsSpan(0, Count);

    /// <summary>log mu(a | s) of the behaviour policy that chose each action.</summary>
    public ReadOnlySpan<double> BehaviourLogProbs => logProbs.AsSpan(0, Count);

    /// <summary>The finished episodes as (first row, length), oldest first.</summary>
    public IReadOnlyList<(int Start, int Length)> Episodes
        => [.. Enumerable.Range(0, episodeStarts.Count - 1).Select(k => (episodeStarts[k], episodeStarts[k + 1] - episodeStarts[k]))];

    /// <summary>
    /// Refits <paramref name="model"/> on every transition when it has never been fitted or <paramref name="interval"/>
    /// env steps have passed since <paramref name="lastFitSteps"/> (then set to <paramref name="envSteps"/>); returns the
    /// fit's best holdout MSE (its last training loss without a holdout), or NaN when no fit was due.
    /// </summary>
    public double RefitIfDue(MlpDynamics model, long envSteps, int interval, ref long lastFitSteps)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.IsFitted && envSteps - lastFitSteps < interval) return double.NaN;
        FitReport fit = model.Fit(States, Actions, NextStates, Count);
        lastFitSteps = envSteps;
        return fit.HoldoutMse.Length > 0 ? fit.HoldoutMse.Min() : fit.TrainLoss[^1];
    }

    /// <summary>Appends one transition; <paramref name="episodeEnded"/> closes the episode (terminated or truncated).</summary>
    public void Add(ReadOnlySpan<double> state, ReadOnlySpan<double> action, ReadOnlySpan<double> noise, ReadOnlySpan<double> nextState, double reward, bool isTerminal,
        double behaviourLogProb, bool episodeEnded)
    {
        if (state.Length != StateSize || nextState.Length != StateSize || action.Length != ActionSize || noise.Length != ActionSize)
            throw new ArgumentException($"SVG replay: expected states of {StateSize}, actions and noises of {ActionSize} values, got {state.Length}, {nextState.Length}, {action.Length} and {noise.Length}.");
        if (Count == rewards.Length) Grow();
        state.CopyTo(states.AsSpan(Count * StateSize));
        action.CopyTo(actions.AsSpan(Count * ActionSize));
        noise.CopyTo(noises.AsSpan(Count * ActionSize));
        nextState.CopyTo(nextStates.AsSpan(Count * StateSize));
        rewards[Count] = reward;
        terminated[Count] = isTerminal;
        logProbs[Count] = behaviourLogProb;
        Count++;
        if (episodeEnded) episodeStarts.Add(Count);
    }

    private void Grow()
    {
        int capacity = 2 * rewards.Length;
        Array.Resize(ref states, capacity * StateSize);
        Array.Resize(ref actions, capacity * ActionSize);
        Array.Resize(ref noises, capacity * ActionSize);
        Array.Resize(ref nextStates, capacity * StateSize);
        Array.Resize(ref rewards, capacity);
        Array.Resize(ref logProbs, capacity);
        Array.Resize(ref terminated, capacity);
    }

    /// <summary>Writes every transition and the episode boundaries.</summary>
    public void Write(BinaryWriter w)
    {
        w.Write(StateSize);
        w.Write(ActionSize);
        w.Write(Count);
        foreach (double v in States) w.Write(v);
        foreach (double v in Actions) w.Write(v);
        foreach (double v in Noises) w.Write(v);
        foreach (double v in NextStates) w.Write(v);
        for (int i = 0; i < Count; i++)
        {
            w.Write(rewards[i]);
            w.Write(terminated[i]);
            w.Write(logProbs[i]);
        }
        w.Write(episodeStarts.Count);
        foreach (int s in episodeStarts) w.Write(s);
    }

    /// <summary>Replaces the contents with what <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The sizes differ from this store's or a count is out of range.</exception>
    public void Read(BinaryReader r)
    {
        int n = r.ReadInt32(), m = r.ReadInt32(), count = r.ReadInt32();
        if (n != StateSize || m != ActionSize)
            throw new InvalidDataException($"SVG replay: expected transitions of {StateSize} states and {ActionSize} actions, got {n} and {m}");
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (count < 0 || count > left / 8)
            throw new InvalidDataException($"SVG replay: expected a transition count the {left} remaining bytes can hold, got {count}");
        Count = 0;
        while (rewards.Length < count) Grow();
        for (int i = 0; i < count * n; i++) states[i] = r.ReadDouble();
        for (int i = 0; i < count * m; i++) actions[i] = r.ReadDouble();
        for (int i = 0; i < count * m; i++) noises[i] = r.ReadDouble();
        for (int i = 0; i < count * n; i++) nextStates[i] = r.ReadDouble();
        for (int i = 0; i < count; i++)
        {
            rewards[i] = r.ReadDouble();
            terminated[i] = r.ReadBoolean();
            logProbs[i] = r.ReadDouble();
        }
        Count = count;
        int starts = r.ReadInt32();
        if (starts < 1 || starts > count + 1) throw new InvalidDataException($"SVG replay: expected 1 to {count + 1} episode starts, got {starts}");
        episodeStarts.Clear();
        for (int i = 0; i < starts; i++) episodeStarts.Add(r.ReadInt32());
    }
}
