// The last stage of an inference policy: from the network's outputs (one row) to an action. Acting is
// deterministic (argmax, the Gaussian mean, the squashed mean, or the outputs themselves); sampling draws from
// the distribution the outputs parameterize, with the same code the training algorithms sample with.
using System.Runtime.CompilerServices;
using Control.Core;
using Control.Tensors;

namespace Control.Policies.Common;

/// <summary>The action head of an <see cref="InferencePolicy"/>: its kind and parameters, read-only.</summary>
public sealed class ActionHead
{
    /// <summary>Lower clamp of a state-dependent log-std (as in the Gaussian policies that train it).</summary>
    public const double MinLogStd = -20;

    /// <summary>Upper clamp of a state-dependent log-std.</summary>
    public const double MaxLogStd = 2;

    private readonly Tensor? logStd;
    private readonly double[] scale;
    private readonly double[] bias;
    private readonly double[] levels;

    private ActionHead(ActionHeadKind kind, int actionSize, int networkOutputs, bool samplesLogits, LogStdSource source, Tensor? logStd,
        double[] scale, double[] bias, double[]? levels = null)
    {
        this.levels = levels ?? [];
        Kind = kind;
        ActionSize = actionSize;
        NetworkOutputs = networkOutputs;
        SamplesLogits = samplesLogits;
        LogStdSource = source;
        this.logStd = logStd?.Keep();
        this.scale = scale;
        this.bias = bias;
    }

    /// <summary>argmax over <paramref name="classes"/> outputs; <paramref name="logits"/>: they are a categorical policy's logits (which can be sampled), not Q values.</summary>
    public static ActionHead Argmax(int classes, bool logits)
    {
        if (classes <= 0) throw new ArgumentException($"ActionHead: expected a positive number of classes, got {classes}.");
        return new(ActionHeadKind.Argmax, 1, classes, logits, LogStdSource.None, null, [], []);
    }

    /// <summary>
    /// The mean of a diagonal Gaussian over <paramref name="actions"/> values; its log-std is <paramref name="logStd"/>
    /// (float32, one per action) when given, else the network's second half of outputs when <paramref name="stateDependent"/>.
    /// </summary>
    public static ActionHead GaussianMean(int actions, Tensor? logStd, bool stateDependent = false)
    {
        LogStdSource source = CheckLogStd(actions, logStd, stateDependent);
        return new(ActionHeadKind.GaussianMean, actions, source == LogStdSource.Outputs ? 2 * actions : actions, false, source, logStd, [], []);
    }

    /// <summary>a = <paramref name="scale"/> * tanh(u) + <paramref name="bias"/>, u the first outputs; the log-std as in <see cref="GaussianMean"/> (for sampling u).</summary>
    public static ActionHead TanhSquash(ReadOnlySpan<double> scale, ReadOnlySpan<double> bias, Tensor? logStd = null, bool stateDependent = false)
    {
        if (scale.Length == 0 || scale.Length != bias.Length)
            throw new ArgumentException($"ActionHead: expected equal, non-empty scale and bias, got {scale.Length} and {bias.Length} values.");
        for (int i = 0; i < scale.Length; i++)
        {
            if (!double.IsFinite(scale[i]) || !double.IsFinite(bias[i]))
                throw new ArgumentException($"ActionHead: expected a finite scale and bias, got {scale[i]} and {bias[i]} at {i}.");
        }
        int actions = scale.Length;
        LogStdSource source = CheckLogStd(actions, logStd, stateDependent);
        return new(ActionHeadKind.TanhSquash, actions, source == LogStdSource.Outputs ? 2 * actions : actions, false, source, logStd, scale.ToArray(), bias.ToArray());
    }

    /// <summary>The <paramref name="actions"/> outputs as the action.</summary>
    public static ActionHead Deterministic(int actions)
    {
        if (actions <= 0) throw new ArgumentException($"ActionHead: expected a positive action size, got {actions}.");
        return new(ActionHeadKind.Deterministic, actions, actions, false, LogStdSource.None, null, [], []);
    }

    /// <summary>
    /// Each of <paramref name="actions"/> values takes one of its levels: <paramref name="levels"/> holds K increasing,
    /// finite levels per action (actions x K, row-major, K >= 2), and action i is the level of the largest of outputs
    /// i K .. i K + K - 1.
    /// </summary>
    public static ActionHead Binned(int actions, ReadOnlySpan<double> levels)
    {
        if (actions <= 0) throw new ArgumentException($"ActionHead: expected a positive action size, got {actions}.");
        if (levels.Length % actions != 0 || levels.Length / actions < 2)
            throw new ArgumentException($"ActionHead: expected at least 2 levels per action for {actions} actions (a multiple of {actions}), got {levels.Length}.");
        int k = levels.Length / actions;
        for (int i = 0; i < levels.Length; i++)
        {
            if (!double.IsFinite(levels[i]) || (i % k > 0 && levels[i] <= levels[i - 1]))
                throw new ArgumentException($"ActionHead: expected finite levels increasing within each action, got {levels[i]} at {i} (action {i / k}).");
        }
        return new(ActionHeadKind.Binned, actions, levels.Length, false, LogStdSource.None, null, [], [], levels.ToArray());
    }

    /// <summary>The kind.</summary>
    public ActionHeadKind Kind { get; }

    /// <summary>Doubles per action (1 for <see cref="ActionHeadKind.Argmax"/>).</summary>
    public int ActionSize { get; }

    /// <summary>Network outputs the head reads (classes for argmax; A, or 2A with a state-dependent log-std; A x levels for binned).</summary>
    public int NetworkOutputs { get; }

    /// <summary>Whether an argmax head's outputs are logits that <see cref="Sample"/> draws from.</summary>
    public bool SamplesLogits { get; }

    /// <summary>Where the log-std comes from.</summary>
    public LogStdSource LogStdSource { get; }

    /// <summary>The stored log-std (with <see cref="LogStdSource.Vector"/>), else empty.</summary>
    public ReadOnlySpan<float> LogStd => logStd is null ? default : logStd.Span<float>();

    /// <summary>The squash scale (with <see cref="ActionHeadKind.TanhSquash"/>), else empty.</summary>
    public ReadOnlySpan<double> Scale => scale;

    /// <summary>The squash bias (with <see cref="ActionHeadKind.TanhSquash"/>), else empty.</summary>
    public ReadOnlySpan<double> Bias => bias;

    /// <summary>The levels of a <see cref="ActionHeadKind.Binned"/> head (actions x levels per action, row-major), else empty.</summary>
    public ReadOnlySpan<double> Levels => levels;

    /// <summary>Levels per action of a <see cref="ActionHeadKind.Binned"/> head, else 0.</summary>
    public int LevelsPerAction => levels.Length / ActionSize;

    /// <summary>Whether <see cref="Sample"/> can draw (logits or a log-std).</summary>
    public bool CanSample => SamplesLogits || LogStdSource != LogStdSource.None;

    // What a head that cannot sample lacks, for the messages that refuse to sample it.
    internal string WithoutSampling => $"a {Kind} head {(Kind == ActionHeadKind.Argmax ? "over Q values" : "without a log-std")}";

    /// <summary>The deterministic action from one row of outputs (1, <see cref="NetworkOutputs"/>).</summary>
    public void Act(Tensor outputs, Span<double> action)
    {
        if (Kind == ActionHeadKind.Argmax)
        {
            action[0] = outputs.ArgMax(1)[0];
            return;
        }
        Act(outputs.Span<float>(), action);
    }

    /// <summary>The deterministic action of one row of outputs held in a span, as <see cref="Act(Tensor, Span{double})"/> gives it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Act(ReadOnlySpan<float> u, Span<double> action)
    {
        if (Kind == ActionHeadKind.Argmax)
        {
            action[0] = FirstLargest(u);
            return;
        }
        if (Kind == ActionHeadKind.Binned)
        {
            int k = LevelsPerAction;
            for (int i = 0; i < ActionSize; i++) action[i] = levels[i * k + FirstLargest(u.Slice(i * k, k))];
            return;
        }
        for (int i = 0; i < ActionSize; i++) action[i] = Kind == ActionHeadKind.TanhSquash ? bias[i] + scale[i] * Math.Tanh(u[i]) : u[i];
    }

    // The first largest value, a NaN above any number: Tensor.ArgMax's rule.
    private static int FirstLargest(ReadOnlySpan<float> u)
    {
        int best = 0;
        for (int k = 1; k < u.Length; k++)
            if (u[k] > u[best] || (float.IsNaN(u[k]) && !float.IsNaN(u[best]))) best = k;
        return best;
    }

    /// <summary>A draw from the distribution one row of outputs parameterizes.</summary>
    /// <exception cref="InvalidOperationException">The head has nothing to sample from (Q values, no log-std).</exception>
    public void Sample(Tensor outputs, Rng rng, Span<double> action)
    {
        if (!CanSample)
            throw new InvalidOperationException($"ActionHead: {WithoutSampling} has no distribution to sample; act deterministically (or explore with a wrapper such as epsilon-greedy).");
        if (Kind == ActionHeadKind.Argmax)
        {
            new CategoricalActions(outputs).Sample(rng, action);
            return;
        }
        int a = ActionSize;
        IActionDistribution distribution = LogStdSource == LogStdSource.Vector
            ? new GaussianActions(outputs, logStd!)
            : new GaussianActions(outputs.Narrow(1, 0, a), outputs.Narrow(1, a, a).Clamp(MinLogStd, MaxLogStd));
        distribution.Sample(rng, action);
        if (Kind != ActionHeadKind.TanhSquash) return;
        for (int i = 0; i < a; i++) action[i] = bias[i] + scale[i] * Math.Tanh(action[i]);
    }

    private static LogStdSource CheckLogStd(int actions, Tensor? logStd, bool stateDependent)
    {
        if (actions <= 0) throw new ArgumentException($"ActionHead: expected a positive action size, got {actions}.");
        if (logStd is not null && stateDependent) throw new ArgumentException("ActionHead: expected a stored log-std or a state-dependent one, got both.");
        if (logStd is not null && (logStd.Rank != 1 || logStd.Dim(0) != actions || logStd.DType != DType.Float32))
            throw new ArgumentException($"ActionHead: expected a float32 log-std of shape ({actions},), got {logStd.Describe()}.");
        return logStd is not null ? LogStdSource.Vector : stateDependent ? LogStdSource.Outputs : LogStdSource.None;
    }

    internal void Write(BinaryWriter w)
    {
        w.Write((byte)Kind);
        w.Write(ActionSize);
        w.Write(NetworkOutputs);
        w.Write(SamplesLogits);
        w.Write((byte)LogStdSource);
        if (logStd is not null) Checkpoint.WriteTensors(w, [("log_std", logStd)]);
        w.Write(scale.Length);
        for (int i = 0; i < scale.Length; i++)
        {
            w.Write(scale[i]);
            w.Write(bias[i]);
        }
        if (Kind != ActionHeadKind.Binned) return;
        w.Write(levels.Length);
        foreach (double level in levels) w.Write(level);
    }

    internal static ActionHead Read(BinaryReader r)
    {
        var kind = (ActionHeadKind)r.ReadByte();
        int actionSize = r.ReadInt32(), outputs = r.ReadInt32();
        bool logits = r.ReadBoolean();
        var source = (LogStdSource)r.ReadByte();
        if (!Enum.IsDefined(kind) || !Enum.IsDefined(source)) throw new InvalidDataException($"expected a head kind and log-std source, got codes {(int)kind} and {(int)source}");
        Tensor? logStd = source == LogStdSource.Vector ? Checkpoint.ReadTensors(r).Single().Value : null;
        int squashed = r.ReadInt32();
        if (squashed < 0 || squashed > 1 << 20) throw new InvalidDataException($"expected a squash size in [0, 2^20], got {squashed}");
        var scale = new double[squashed];
        var bias = new double[squashed];
        for (int i = 0; i < squashed; i++)
        {
            scale[i] = r.ReadDouble();
            bias[i] = r.ReadDouble();
        }
        var levels = Array.Empty<double>();
        if (kind == ActionHeadKind.Binned)
        {
            int count = r.ReadInt32();
            if (count < 0 || count > 1 << 20) throw new InvalidDataException($"expected a level count in [0, 2^20], got {count}");
            levels = new double[count];
            for (int i = 0; i < count; i++) levels[i] = r.ReadDouble();
        }
        ActionHead head;
        try
        {
            head = kind switch
            {
                ActionHeadKind.Binned => Binned(actionSize, levels),
                ActionHeadKind.Argmax => Argmax(outputs, logits),
                ActionHeadKind.GaussianMean => GaussianMean(actionSize, logStd, source == LogStdSource.Outputs),
                ActionHeadKind.TanhSquash => TanhSquash(scale, bias, logStd, source == LogStdSource.Outputs),
                _ => Deterministic(actionSize),
            };
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
        if (head.ActionSize != actionSize || head.NetworkOutputs != outputs)
            throw new InvalidDataException($"expected a {kind} head of {head.ActionSize} actions over {head.NetworkOutputs} outputs, got {actionSize} over {outputs}");
        return head;
    }
}
