// Reads the parts of an InferencePolicy back from a graph PolicyGraph wrote, by the names of OnnxNames: the encoding
// from which of its initializers exist, the layers from layer{i}.* and the nodes named layer{i}.activation, the head
// from the metadata's head name, its initializers and the graph's outputs. It trusts the structure no further than
// that: the importer re-exports what it read and accepts the file only if the bytes are the same.
using System.Buffers.Binary;
using Control.Core.Envs;
using Control.Deploy.Onnx;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Deploy.Export.Onnx;

/// <summary>The policy in an exported graph.</summary>
internal sealed class PolicyReader
{
    private readonly string source;
    private readonly GraphProto graph;
    private readonly Dictionary<string, TensorProto> initializers = new(StringComparer.Ordinal);

    private PolicyReader(string source, GraphProto graph)
    {
        this.source = source;
        this.graph = graph;
        foreach (TensorProto tensor in graph.Initializer)
        {
            if (!initializers.TryAdd(tensor.Name, tensor)) throw Error($"two initializers are named \"{tensor.Name}\"");
        }
    }

    /// <summary>
    /// The policy of <paramref name="graph"/>, which reads <paramref name="observationSize"/> values, with the head
    /// <paramref name="headName"/> over <paramref name="actionSpace"/>; <paramref name="epsilon"/> is the normalizer's, if any.
    /// </summary>
    /// <exception cref="OnnxFormatException">A part is missing or does not fit.</exception>
    public static InferencePolicy Read(string source, GraphProto graph, int observationSize, string headName, Space actionSpace, double? epsilon)
    {
        var reader = new PolicyReader(source, graph);
        try
        {
            (ObservationEncoding encoding, ObservationNormalizer? normalizer, int[] angles) = reader.Encoding(observationSize, epsilon);
            InferenceNetwork network = reader.Network();
            ActionHead head = reader.Head(headName, actionSpace, network.Outputs);
            return new InferencePolicy(observationSize, encoding, normalizer, network, head, actionSpace, angles);
        }
        catch (ArgumentException e)
        {
            throw reader.Error($"the graph's parts do not make a policy: {e.Message}", e);
        }
    }

    private (ObservationEncoding, ObservationNormalizer?, int[]) Encoding(int n, double? epsilon)
    {
        if (initializers.ContainsKey(OnnxNames.PeriodicKeep))
        {
            float[] keep = Floats(OnnxNames.PeriodicKeep, n);
            return (ObservationEncoding.Periodic, null, [.. Enumerable.Range(0, n).Where(i => keep[i] == 0f)]);
        }
        if (initializers.ContainsKey(OnnxNames.OneHotCells)) return (ObservationEncoding.OneHot, null, []);
        if (!initializers.ContainsKey(OnnxNames.NormalizerMean)) return (ObservationEncoding.Values, null, []);
        if (epsilon is not { } eps) throw Error($"a normalizer without the metadata entry {OnnxNames.NormalizerEpsilonKey}");
        float[] mean = Floats(OnnxNames.NormalizerMean, n), std = Floats(OnnxNames.NormalizerStd, n);
        float clip = Floats(OnnxNames.NormalizerClipMax, 1)[0];
        var variance = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!(std[i] > 0) || !float.IsFinite(std[i])) throw Error($"{OnnxNames.NormalizerStd}[{i}] = {std[i]}: expected a positive, finite std");
            // The std the exporter wrote is float(sqrt(variance + epsilon)); this variance gives the same float again
            // (std^2 is exact in double; clamped at 0 when rounding took the std below sqrt(epsilon)).
            variance[i] = Math.Max(0, (double)std[i] * std[i] - eps);
        }
        return (ObservationEncoding.Values, new ObservationNormalizer([.. mean.Select(m => (double)m)], variance, eps, clip), []);
    }

    private InferenceNetwork Network()
    {
        var layers = new List<DenseLayer>();
        while (initializers.ContainsKey($"{OnnxNames.Layer(layers.Count)}.weight"))
        {
            string prefix = OnnxNames.Layer(layers.Count);
            NodeProto? activation = graph.Node.FirstOrDefault(node => node.Name == $"{prefix}.activation");
            layers.Add(Dense(prefix, activation is null ? Activation.Identity : ActivationOf(activation)));
        }
        if (layers.Count == 0) throw Error($"no initializer {OnnxNames.Layer(0)}.weight: expected a network of dense layers");
        DuelingHeads? dueling = initializers.ContainsKey($"{OnnxNames.DuelingValue}.weight")
            ? new DuelingHeads(Dense(OnnxNames.DuelingValue, Activation.Identity), Dense(OnnxNames.DuelingAdvantage, Activation.Identity))
            : null;
        return new InferenceNetwork(layers, dueling);
    }

    private DenseLayer Dense(string prefix, Activation activation)
    {
        TensorProto weight = Initializer($"{prefix}.weight");
        if (weight.Dims.Count != 2 || weight.Dims[0] is <= 0 or > 1 << 20 || weight.Dims[1] is <= 0 or > 1 << 20)
            throw Error($"initializer {prefix}.weight: expected a matrix [out, in], got dims [{string.Join(", ", weight.Dims)}]");
        int outputs = (int)weight.Dims[0], inputs = (int)weight.Dims[1];
        Tensor w = Tensor.FromArray(Floats(weight.Name, outputs * inputs), outputs, inputs);
        Tensor? b = initializers.ContainsKey($"{prefix}.bias") ? Tensor.FromArray(Floats($"{prefix}.bias", outputs), outputs) : null;
        return new DenseLayer(w, b, activation);
    }

    private Activation ActivationOf(NodeProto node)
    {
        foreach (Activation activation in Enum.GetValues<Activation>())
        {
            if (PolicyGraph.OpOf(activation) == node.OpType) return activation;
        }
        throw Error($"node \"{node.Name}\": expected an activation op (Tanh, Relu, Sigmoid, Elu, Softplus), got {node.OpType}");
    }

    private ActionHead Head(string name, Space actionSpace, int outputs)
    {
        bool HasOutput(string output) => graph.Output.Any(o => o.Name == output);
        if (name == OnnxExporter.HeadName(ActionHeadKind.Argmax)) return ActionHead.Argmax(outputs, HasOutput(OnnxContract.Logits));
        if (actionSpace is not Box box) throw Error($"a {name} head expects a Box action space, got {actionSpace.Describe()}");
        int a = box.FlatSize;
        if (name == OnnxExporter.HeadName(ActionHeadKind.Deterministic)) return ActionHead.Deterministic(a);
        if (name == OnnxExporter.HeadName(ActionHeadKind.Binned))
        {
            if (outputs % a != 0) throw Error($"a binned head of {a} actions expects a multiple of {a} logits, got {outputs}");
            return ActionHead.Binned(a, [.. Floats(OnnxNames.HeadLevels, outputs).Select(v => (double)v)]);
        }
        Tensor? logStd = initializers.ContainsKey(OnnxNames.HeadLogStd) ? Tensor.FromArray(Floats(OnnxNames.HeadLogStd, a), a) : null;
        bool stateDependent = logStd is null && HasOutput(OnnxContract.LogStd);
        if (name == OnnxExporter.HeadName(ActionHeadKind.GaussianMean)) return ActionHead.GaussianMean(a, logStd, stateDependent);
        if (name != OnnxExporter.HeadName(ActionHeadKind.TanhSquash))
            throw Error($"metadata {OnnxContract.Keys.ActionHead}: expected argmax, gaussian_mean, tanh_squash, deterministic or binned, got \"{name}\"");
        double[] scale = [.. Floats(OnnxNames.HeadScale, a).Select(v => (double)v)], bias = [.. Floats(OnnxNames.HeadBias, a).Select(v => (double)v)];
        return ActionHead.TanhSquash(scale, bias, logStd, stateDependent);
    }

    private TensorProto Initializer(string name) =>
        initializers.TryGetValue(name, out TensorProto? tensor) ? tensor : throw Error($"expected an initializer \"{name}\", found none");

    // The float32 values of initializer name, which must hold count of them in raw_data.
    private float[] Floats(string name, int count)
    {
        TensorProto tensor = Initializer(name);
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float || tensor.RawData.Length != 4 * count)
            throw Error($"initializer \"{name}\": expected {count} float32 values in raw_data, got data type {tensor.DataType} and {tensor.RawData.Length} bytes");
        ReadOnlySpan<byte> bytes = tensor.RawData.Span;
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        return values;
    }

    private OnnxFormatException Error(string problem, Exception? inner = null) => new(source, problem, inner);
}
