// A trained policy for inference, as one object: observation normalizer (frozen statistics, or none), network
// (dense layers, optionally dueling Q heads), action head (argmax, Gaussian mean, tanh squash, deterministic, binned),
// and the action space's bounds. Every algorithm exposes its policy as one of these; it is what controllers run,
// what checkpoints store under the same section names for every algorithm, and what an exporter writes as a graph.
//
// Checkpoint sections (format version 2):
//   policy/normalizer   observation size, encoding (values, one-hot or periodic), the normalizer (mean, variance, epsilon, clip) if any,
//                       then, for the periodic encoding, the angle indices
//   policy/network      the dense layers in order (activation code, weight (out, in), bias), then the dueling streams if any
//   policy/head         head kind, sizes, log-std source and vector, squash scale and bias, the levels of a binned head,
//                       then the action space (Discrete n, or Box shape, low, high)
using System.Runtime.CompilerServices;
using Control.Core;
using Control.Core.Envs;
using Control.Tensors;

namespace Control.Policies.Common;

/// <summary>
/// normalizer -> network -> action head -> bounds, as an <see cref="IPolicy"/>. <see cref="Act"/> is deterministic;
/// <see cref="Sample"/> draws with a generator the caller owns. Immutable (holds copies of its weights); one instance
/// must not act on two threads at once (it reuses an input buffer).
/// </summary>
public sealed class InferencePolicy : IPolicy
{
    /// <summary>Checkpoint section of the observation encoding and normalizer.</summary>
    public const string NormalizerSection = "policy/normalizer";

    /// <summary>Checkpoint section of the network.</summary>
    public const string NetworkSection = "policy/network";

    /// <summary>Checkpoint section of the action head and action space.</summary>
    public const string HeadSection = "policy/head";

    /// <summary>
    /// Instead of the three policy sections: the algorithm and the reason (two strings) it has no inference policy, written by
    /// <see cref="SaveAbsence"/> so that loading the policy says why rather than which section is missing.
    /// </summary>
    public const string AbsentSection = "policy/absent";

    private readonly float[] input;
    private readonly float[] outputRow;
    private readonly int[] angles;

    /// <summary>
    /// A policy over observations of <paramref name="observationSize"/> raw values; <paramref name="angles"/> are the
    /// indices whose raw value the <see cref="ObservationEncoding.Periodic"/> encoding zeroes (empty for the others).
    /// </summary>
    /// <exception cref="ArgumentException">The parts do not fit together (the message names the sizes).</exception>
    public InferencePolicy(int observationSize, ObservationEncoding encoding, ObservationNormalizer? normalizer, InferenceNetwork network,
        ActionHead head, Space actionSpace, IReadOnlyList<int>? angles = null)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Head = head ?? throw new ArgumentNullException(nameof(head));
        ActionSpace = actionSpace ?? throw new ArgumentNullException(nameof(actionSpace));
        if (observationSize <= 0) throw new ArgumentException($"InferencePolicy: expected a positive observation size, got {observationSize}.");
        if (encoding == ObservationEncoding.OneHot && (observationSize != 1 || normalizer is not null))
            throw new ArgumentException($"InferencePolicy: a one-hot encoding takes one cell index and no normalizer, got {observationSize} values{(normalizer is null ? "" : " and a normalizer")}.");
        if (normalizer is not null && normalizer.Size != observationSize)
            throw new ArgumentException($"InferencePolicy: expected a normalizer of {observationSize} features, got {normalizer.Size}.");
        if (encoding == ObservationEncoding.Values && network.Inputs != observationSize)
            throw new ArgumentException($"InferencePolicy: the network reads {network.Inputs} inputs, the observation has {observationSize} values.");
        if (encoding == ObservationEncoding.Periodic && (network.Inputs != 3 * observationSize || normalizer is not null))
            throw new ArgumentException($"InferencePolicy: a periodic encoding of {observationSize} values feeds {3 * observationSize} inputs and takes no normalizer, got a network of {network.Inputs} inputs{(normalizer is null ? "" : " and a normalizer")}.");
        this.angles = angles is null ? [] : [.. angles];
        if (this.angles.Length > 0 && encoding != ObservationEncoding.Periodic)
            throw new ArgumentException($"InferencePolicy: angle indices belong to the periodic encoding, got them with {encoding}.");
        for (int i = 0; i < this.angles.Length; i++)
        {
            if ((uint)this.angles[i] >= (uint)observationSize || (i > 0 && this.angles[i] <= this.angles[i - 1]))
                throw new ArgumentException($"InferencePolicy: expected increasing angle indices in [0, {observationSize}), got [{string.Join(", ", this.angles)}].");
        }
        if (head.NetworkOutputs != network.Outputs)
            throw new ArgumentException($"InferencePolicy: the {head.Kind} head reads {head.NetworkOutputs} outputs, the network gives {network.Outputs}.");
        bool fits = actionSpace switch
        {
            Discrete d => head.Kind == ActionHeadKind.Argmax && head.NetworkOutputs == d.N,
            Box b => head.Kind != ActionHeadKind.Argmax && head.ActionSize == b.FlatSize,
            _ => false,
        };
        if (!fits)
            throw new ArgumentException($"InferencePolicy: a {head.Kind} head of {head.ActionSize} values over {head.NetworkOutputs} outputs does not fit the action space {actionSpace.Describe()}.");
        ObservationSize = observationSize;
        Encoding = encoding;
        Normalizer = normalizer;
        input = new float[network.Inputs];
        outputRow = new float[network.Outputs];
    }

    /// <inheritdoc />
    public int ObservationSize { get; }

    /// <inheritdoc />
    public int ActionSize => Head.ActionSize;

    /// <summary>How the observation becomes the network's input.</summary>
    public ObservationEncoding Encoding { get; }

    /// <summary>The indices whose raw value the periodic encoding zeroes (increasing; empty for the other encodings).</summary>
    public IReadOnlyList<int> Angles => angles;

    /// <summary>The frozen observation statistics, or null for none (identity).</summary>
    public ObservationNormalizer? Normalizer { get; }

    /// <summary>The network.</summary>
    public InferenceNetwork Network { get; }

    /// <summary>The action head.</summary>
    public ActionHead Head { get; }

    /// <summary>The action space: a Box's bounds clip every action; a Discrete's size is the argmax's range.</summary>
    public Space ActionSpace { get; }

    /// <summary>
    /// The deterministic action: argmax, the mean, the squashed mean, or the outputs; clipped to a Box. The network runs on
    /// the single-row path (<see cref="InferenceNetwork.Forward(ReadOnlySpan{float}, Span{float})"/>), whose outputs equal
    /// the batched tensor path's (and <see cref="Sample"/>'s) to float32 rounding.
    /// </summary>
    /// <exception cref="PolicyInputException">Wrong lengths, or an observation value that is not finite (or not a cell index for one-hot).</exception>
    // Compiled fully optimized at its first call, as is the batch-1 path under it (the single-row layers, the action
    // head, the normalizer, Box.Clip; the GEMM kernels already are): a controller's first ticks, and a short run's
    // timing, then see the steady-state code rather than the tiered JIT's first, unoptimized one.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        Encode(observation, action.Length);
        Network.Forward(input, outputRow);
        Head.Act(outputRow, action);
        if (ActionSpace is Box box) box.Clip(action);
    }

    /// <summary>An action drawn from the head's distribution with <paramref name="rng"/>; clipped to a Box.</summary>
    /// <exception cref="PolicyInputException">As <see cref="Act"/>.</exception>
    /// <exception cref="InvalidOperationException">The head cannot sample (Q values, or no log-std).</exception>
    public void Sample(ReadOnlySpan<double> observation, Span<double> action, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Encode(observation, action.Length);
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        Head.Sample(Network.Forward(Tensor.FromArray(input, 1, input.Length)), rng, action);
        if (ActionSpace is Box box) box.Clip(action);
    }

    /// <summary>The network's outputs for one observation (before the head), e.g. to compare with an exported graph.</summary>
    /// <exception cref="PolicyInputException">As <see cref="Act"/>, or an output buffer not of <see cref="InferenceNetwork.Outputs"/>.</exception>
    public void Outputs(ReadOnlySpan<double> observation, Span<float> outputs)
    {
        if (outputs.Length != Network.Outputs)
            throw new PolicyInputException($"InferencePolicy: expected an output buffer of {Network.Outputs}, got {outputs.Length}.");
        Encode(observation, ActionSize);
        Network.Forward(input, outputs);
    }

    /// <inheritdoc />
    public void Reset() { }

    /// <summary>Stores the policy in <see cref="NormalizerSection"/>, <see cref="NetworkSection"/> and <see cref="HeadSection"/>.</summary>
    public void Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.Put(NormalizerSection, w =>
        {
            w.Write(ObservationSize);
            w.Write((byte)Encoding);
            w.Write(Normalizer is not null);
            Normalizer?.Write(w);
            if (Encoding != ObservationEncoding.Periodic) return;
            w.Write(angles.Length);
            foreach (int a in angles) w.Write(a);
        });
        checkpoint.Put(NetworkSection, Network.Write);
        checkpoint.Put(HeadSection, w =>
        {
            Head.Write(w);
            WriteSpace(w, ActionSpace);
        });
    }

    /// <summary>Records in <paramref name="checkpoint"/> which algorithm has no inference policy, and why (<paramref name="absence"/>'s algorithm and reason).</summary>
    public static void SaveAbsence(Checkpoint checkpoint, NoInferencePolicyException absence)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(absence);
        checkpoint.Put(AbsentSection, w =>
        {
            w.Write(absence.Algorithm);
            w.Write(absence.Reason);
        });
    }

    /// <summary>The policy stored in <paramref name="checkpoint"/> by <see cref="Save"/> (by any algorithm).</summary>
    /// <exception cref="CheckpointException">A section is missing or does not fit.</exception>
    /// <exception cref="NoInferencePolicyException">The algorithm that wrote the checkpoint has no inference policy (<see cref="SaveAbsence"/>).</exception>
    public static InferencePolicy Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!checkpoint.Has(NormalizerSection) && checkpoint.Has(AbsentSection))
            throw checkpoint.Get(AbsentSection, r => new NoInferencePolicyException(r.ReadString(), r.ReadString()));
        (int observationSize, ObservationEncoding encoding, ObservationNormalizer? normalizer, int[] angles) = checkpoint.Get(NormalizerSection, r =>
        {
            int size = r.ReadInt32();
            var encoding = (ObservationEncoding)r.ReadByte();
            if (!Enum.IsDefined(encoding)) throw new InvalidDataException($"expected an observation encoding, got code {(int)encoding}");
            ObservationNormalizer? normalizer = r.ReadBoolean() ? ObservationNormalizer.Read(r) : null;
            if (encoding != ObservationEncoding.Periodic) return (size, encoding, normalizer, Array.Empty<int>());
            int count = r.ReadInt32();
            if (count < 0 || count > size) throw new InvalidDataException($"expected at most {size} angle indices, got {count}");
            var angles = new int[count];
            for (int i = 0; i < count; i++) angles[i] = r.ReadInt32();
            return (size, encoding, normalizer, angles);
        });
        InferenceNetwork network = checkpoint.Get(NetworkSection, InferenceNetwork.Read);
        (ActionHead head, Space space) = checkpoint.Get(HeadSection, r => (ActionHead.Read(r), ReadSpace(r)));
        try
        {
            return new InferencePolicy(observationSize, encoding, normalizer, network, head, space, angles);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"{checkpoint.Source ?? "checkpoint"}: the stored policy's parts do not fit together: {e.Message}", e);
        }
    }

    /// <summary>The policy stored in the checkpoint file at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointException">The file is not a readable checkpoint of this format, or holds no policy.</exception>
    public static InferencePolicy Load(string path) => Load(Checkpoint.Load(path));

    // Checks the buffers and writes the network's input.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Encode(ReadOnlySpan<double> observation, int actionLength)
    {
        if (observation.Length != ObservationSize || actionLength != ActionSize)
            throw new PolicyInputException($"InferencePolicy: expected an observation of {ObservationSize} values and an action buffer of {ActionSize}, got {observation.Length} and {actionLength}.");
        for (int i = 0; i < observation.Length; i++)
        {
            if (!double.IsFinite(observation[i]))
                throw new PolicyInputException($"InferencePolicy: expected finite observation values, got {observation[i]} at index {i}.");
        }
        if (Encoding == ObservationEncoding.OneHot)
        {
            int cell = (int)observation[0];
            if (cell != observation[0] || (uint)cell >= (uint)input.Length)
                throw new PolicyInputException($"InferencePolicy: expected a cell index in [0, {input.Length - 1}], got {observation[0]}.");
            Array.Clear(input);
            input[cell] = 1f;
        }
        else if (Encoding == ObservationEncoding.Periodic)
        {
            int n = observation.Length;
            for (int i = 0; i < n; i++)
            {
                input[i] = Array.IndexOf(angles, i) >= 0 ? 0f : (float)observation[i];
                input[n + i] = (float)Math.Sin(observation[i]);
                input[2 * n + i] = (float)Math.Cos(observation[i]);
            }
        }
        else if (Normalizer is not null)
        {
            Normalizer.Apply(observation, input);
        }
        else
        {
            for (int i = 0; i < input.Length; i++) input[i] = (float)observation[i];
        }
    }

    private static void WriteSpace(BinaryWriter w, Space space)
    {
        if (space is Discrete d)
        {
            w.Write((byte)0);
            w.Write(d.N);
            return;
        }
        var box = (Box)space;
        w.Write((byte)1);
        w.Write(box.Shape.Length);
        foreach (int s in box.Shape) w.Write(s);
        w.Write(box.FlatSize);
        foreach (double v in box.Low) w.Write(v);
        foreach (double v in box.High) w.Write(v);
    }

    private static Space ReadSpace(BinaryReader r)
    {
        byte kind = r.ReadByte();
        if (kind == 0) return new Discrete(r.ReadInt32());
        if (kind != 1) throw new InvalidDataException($"expected an action space code 0 (Discrete) or 1 (Box), got {kind}");
        int rank = r.ReadInt32();
        if (rank is < 0 or > 8) throw new InvalidDataException($"expected a Box rank in [0, 8], got {rank}");
        var shape = new int[rank];
        for (int i = 0; i < rank; i++) shape[i] = r.ReadInt32();
        int size = r.ReadInt32();
        if (size is <= 0 or > 1 << 20) throw new InvalidDataException($"expected a Box size in [1, 2^20], got {size}");
        var low = new double[size];
        var high = new double[size];
        for (int i = 0; i < size; i++) low[i] = r.ReadDouble();
        for (int i = 0; i < size; i++) high[i] = r.ReadDouble();
        return new Box(low, high, shape);
    }
}
