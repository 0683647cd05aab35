// An InferencePolicy as an ONNX graph, stage by stage as the policy computes (OnnxContract gives the inputs and
// outputs; OnnxNames the initializer and node names):
//   encoding   Values: (x - mean) / std, clipped to +-clip, std = sqrt(variance + epsilon) computed in double and rounded
//              to float once (the normalizer's own rounding point); OneHot: Equal(x, [0 .. n-1]) as floats;
//              Periodic: Concat(x * keep, sin x, cos x) with keep 0 at the angles
//   network    per dense layer Gemm(x, W, b, transB = 1) (W stored [out, in], as the policy holds it), then its activation;
//              dueling streams Q = (V + A) - mean(A), in the order the policy's own forward pass adds them
//   head       argmax: ArgMax(axis 1) over logits or Q values; binned: per action value Slice of its logits, ArgMax
//              and Gather of its levels; Gaussian: the mean (a Slice when the log-std is state-
//              dependent, whose second half is clipped to [-20, 2]); tanh squash: scale * tanh(u) + bias
//   bounds     Clip with scalar bounds when every dimension shares them, else Max/Min with per-dimension rows; an
//              infinite side is left out
using Control.Core.Envs;
using Control.Deploy.Onnx;
using Control.Policies.Common;
using Control.Tensors.NN;
using DataType = Control.Deploy.Export.Onnx.TensorProto.Types.DataType;

namespace Control.Deploy.Export.Onnx;

/// <summary>Writes the graph of an <see cref="InferencePolicy"/>.</summary>
internal static class PolicyGraph
{
    /// <summary>The graph of <paramref name="policy"/> with a symbolic batch, or a batch of 1 when <paramref name="staticBatch"/>.</summary>
    /// <exception cref="ArgumentException">The policy uses an activation without a standard op.</exception>
    public static GraphProto Write(InferencePolicy policy, bool staticBatch)
    {
        var graph = new GraphWriter();
        object batch = staticBatch ? 1 : OnnxContract.BatchDimension;
        string x = Encode(graph, policy, OnnxContract.Observation);
        x = Network(graph, policy.Network, x);
        List<ValueInfoProto> outputs = Head(graph, policy, x, batch);
        graph.Graph.Input.Add(GraphWriter.Value(OnnxContract.Observation, DataType.Float, batch, policy.ObservationSize));
        graph.Graph.Output.AddRange(outputs);
        return graph.Graph;
    }

    /// <summary>The standard op of <paramref name="activation"/> (none for Identity).</summary>
    /// <exception cref="ArgumentException">An activation without a standard op.</exception>
    public static string? OpOf(Activation activation) => activation switch
    {
        Activation.Identity => null,
        Activation.Tanh => "Tanh",
        Activation.Relu => "Relu",
        Activation.Sigmoid => "Sigmoid",
        // ONNX's Elu has alpha = 1 by default, as the policy's.
        Activation.Elu => "Elu",
        // ONNX's Softplus is log(1 + e^x) without the policy's linear branch above x = 20, where the two agree to float32.
        Activation.Softplus => "Softplus",
        _ => throw new ArgumentException($"OnnxExporter: expected an activation with a standard ONNX op (Tanh, Relu, Sigmoid, Elu, Softplus), got {activation}."),
    };

    private static string Encode(GraphWriter graph, InferencePolicy policy, string x)
    {
        int n = policy.ObservationSize;
        switch (policy.Encoding)
        {
            case ObservationEncoding.OneHot:
            {
                int cells = policy.Network.Inputs;
                var indices = new float[cells];
                for (int i = 0; i < cells; i++) indices[i] = i;
                string equal = graph.Node("Equal", "onehot.equal", [x, graph.Floats(OnnxNames.OneHotCells, indices, 1, cells)]);
                return graph.Node("Cast", "onehot.cast", [equal], GraphWriter.Int("to", (long)DataType.Float));
            }
            case ObservationEncoding.Periodic:
            {
                var keep = new float[n];
                for (int i = 0; i < n; i++) keep[i] = policy.Angles.Contains(i) ? 0f : 1f;
                string kept = graph.Node("Mul", "periodic.mul", [x, graph.Floats(OnnxNames.PeriodicKeep, keep, 1, n)]);
                string sin = graph.Node("Sin", "periodic.sin", [x]);
                string cos = graph.Node("Cos", "periodic.cos", [x]);
                return graph.Node("Concat", "periodic.concat", [kept, sin, cos], GraphWriter.Int("axis", 1));
            }
            default:
            {
                ObservationNormalizer? normalizer = policy.Normalizer;
                if (normalizer is null) return x;
                var mean = new float[n];
                var std = new float[n];
                for (int i = 0; i < n; i++)
                {
                    mean[i] = (float)normalizer.Mean[i];
                    std[i] = (float)Math.Sqrt(normalizer.Variance[i] + normalizer.Epsilon);
                }
                x = graph.Node("Sub", "normalizer.sub", [x, graph.Floats(OnnxNames.NormalizerMean, mean, 1, n)]);
                x = graph.Node("Div", "normalizer.div", [x, graph.Floats(OnnxNames.NormalizerStd, std, 1, n)]);
                return graph.Node("Clip", "normalizer.clip",
                    [x, graph.Scalar(OnnxNames.NormalizerClipMin, (float)-normalizer.Clip), graph.Scalar(OnnxNames.NormalizerClipMax, (float)normalizer.Clip)]);
            }
        }
    }

    private static string Network(GraphWriter graph, InferenceNetwork network, string x)
    {
        for (int i = 0; i < network.Layers.Count; i++) x = Dense(graph, network.Layers[i], OnnxNames.Layer(i), x);
        if (network.Dueling is not { } dueling) return x;
        string value = Dense(graph, dueling.Value, OnnxNames.DuelingValue, x);
        string advantage = Dense(graph, dueling.Advantage, OnnxNames.DuelingAdvantage, x);
        string mean = graph.Node("ReduceMean", "dueling.advantage_mean", [advantage], GraphWriter.Ints("axes", 1), GraphWriter.Int("keepdims", 1));
        string sum = graph.Node("Add", "dueling.add", [value, advantage]);
        return graph.Node("Sub", "dueling.sub", [sum, mean]);
    }

    private static string Dense(GraphWriter graph, DenseLayer layer, string prefix, string x)
    {
        string? op = OpOf(layer.Activation);
        string weight = graph.Floats($"{prefix}.weight", layer.Weight, layer.Outputs, layer.Inputs);
        string[] inputs = layer.HasBias ? [x, weight, graph.Floats($"{prefix}.bias", layer.Bias, layer.Outputs)] : [x, weight];
        x = graph.Node("Gemm", $"{prefix}.gemm", inputs, GraphWriter.Int("transB", 1));
        return op is null ? x : graph.Node(op, $"{prefix}.activation", [x]);
    }

    // The head's outputs, the action first.
    private static List<ValueInfoProto> Head(GraphWriter graph, InferencePolicy policy, string u, object batch)
    {
        ActionHead head = policy.Head;
        int a = head.ActionSize;
        if (head.Kind == ActionHeadKind.Argmax)
        {
            string name = head.SamplesLogits ? OnnxContract.Logits : OnnxContract.QValues;
            u = graph.Expose(u, name);
            string index = graph.Node("ArgMax", "head.argmax", [u], GraphWriter.Int("axis", 1), GraphWriter.Int("keepdims", 0));
            graph.Expose(index, OnnxContract.Action);
            return
            [
                GraphWriter.Value(OnnxContract.Action, DataType.Int64, batch),
                GraphWriter.Value(name, DataType.Float, batch, head.NetworkOutputs),
            ];
        }
        if (head.Kind == ActionHeadKind.Binned)
        {
            // per action value i: ArgMax over its slice of the logits, kept as [batch, 1], offset by i K into the flat
            // levels and gathered; the values side by side
            int k = head.LevelsPerAction;
            string levels = graph.Floats(OnnxNames.HeadLevels, Floats(head.Levels), a * k);
            string axes = graph.Int64s("head.axes", 1);
            var chosen = new string[a];
            for (int i = 0; i < a; i++)
            {
                string logits = graph.Node("Slice", $"head.logits_{i}", [u, graph.Int64s($"head.start_{i}", i * k), graph.Int64s($"head.end_{i}", (i + 1) * k), axes]);
                string index = graph.Node("ArgMax", $"head.argmax_{i}", [logits], GraphWriter.Int("axis", 1), GraphWriter.Int("keepdims", 1));
                if (i > 0) index = graph.Node("Add", $"head.offset_{i}", [index, graph.Int64s($"head.offset_{i}_value", i * k)]);
                chosen[i] = graph.Node("Gather", $"head.level_{i}", [levels, index], GraphWriter.Int("axis", 0));
            }
            string binnedAction = a == 1 ? chosen[0] : graph.Node("Concat", "head.concat", chosen, GraphWriter.Int("axis", 1));
            graph.Expose(Bounds(graph, (Box)policy.ActionSpace, binnedAction), OnnxContract.Action);
            return [GraphWriter.Value(OnnxContract.Action, DataType.Float, batch, a)];
        }
        if (head.Kind == ActionHeadKind.Deterministic)
        {
            graph.Expose(Bounds(graph, (Box)policy.ActionSpace, u), OnnxContract.Action);
            return [GraphWriter.Value(OnnxContract.Action, DataType.Float, batch, a)];
        }
        string mean = u;
        string? logStd = null;
        if (head.LogStdSource == LogStdSource.Outputs)
        {
            string axes = graph.Int64s("head.axes", 1);
            mean = graph.Node("Slice", "head.mean", [u, graph.Int64s("head.mean_start", 0), graph.Int64s("head.mean_end", a), axes]);
            string raw = graph.Node("Slice", "head.log_std_slice", [u, graph.Int64s("head.log_std_start", a), graph.Int64s("head.log_std_end", 2 * a), axes]);
            logStd = graph.Node("Clip", "head.log_std_clip",
                [raw, graph.Scalar(OnnxNames.HeadLogStdMin, (float)ActionHead.MinLogStd), graph.Scalar(OnnxNames.HeadLogStdMax, (float)ActionHead.MaxLogStd)]);
        }
        else if (head.LogStdSource == LogStdSource.Vector)
        {
            logStd = graph.Floats(OnnxNames.HeadLogStd, head.LogStd, 1, a);
        }
        string action = graph.Expose(mean, OnnxContract.ActionMean);
        if (logStd is not null) graph.Expose(logStd, OnnxContract.LogStd);
        if (head.Kind == ActionHeadKind.TanhSquash)
        {
            string squashed = graph.Node("Tanh", "head.tanh", [action]);
            squashed = graph.Node("Mul", "head.squash_scale", [squashed, graph.Floats(OnnxNames.HeadScale, Floats(head.Scale), 1, a)]);
            action = graph.Node("Add", "head.squash_bias", [squashed, graph.Floats(OnnxNames.HeadBias, Floats(head.Bias), 1, a)]);
        }
        graph.Expose(Bounds(graph, (Box)policy.ActionSpace, action), OnnxContract.Action);
        var outputs = new List<ValueInfoProto>
        {
            GraphWriter.Value(OnnxContract.Action, DataType.Float, batch, a),
            GraphWriter.Value(OnnxContract.ActionMean, DataType.Float, batch, a),
        };
        if (logStd is not null) outputs.Add(GraphWriter.Value(OnnxContract.LogStd, DataType.Float, head.LogStdSource == LogStdSource.Vector ? 1 : batch, a));
        return outputs;
    }

    // x clipped to the box: one Clip when the bounds are the same in every dimension, else Max and Min per dimension.
    // The float32 bounds are rounded inward (low up, high down) so that a clipped action never leaves the Box the
    // contract promises: 0.1 rounds to nearest as 0.10000000149, above a bound of 0.1.
    private static string Bounds(GraphWriter graph, Box box, string x)
    {
        ReadOnlySpan<double> low = box.Low, high = box.High;
        bool lowFinite = low.ContainsAnyExcept(double.NegativeInfinity), highFinite = high.ContainsAnyExcept(double.PositiveInfinity);
        if (!lowFinite && !highFinite) return x;
        bool uniform = !low.ContainsAnyExcept(low[0]) && !high.ContainsAnyExcept(high[0]);
        if (uniform)
        {
            string min = lowFinite ? graph.Scalar(OnnxNames.BoundsLow, Inward(low[0], up: true)) : "";
            List<string> inputs = [x, min];
            if (highFinite) inputs.Add(graph.Scalar(OnnxNames.BoundsHigh, Inward(high[0], up: false)));
            return graph.Node("Clip", "bounds.clip", inputs);
        }
        int a = box.FlatSize;
        if (lowFinite) x = graph.Node("Max", "bounds.max", [x, graph.Floats(OnnxNames.BoundsLow, InwardFloats(low, up: true), 1, a)]);
        if (highFinite) x = graph.Node("Min", "bounds.min", [x, graph.Floats(OnnxNames.BoundsHigh, InwardFloats(high, up: false), 1, a)]);
        return x;
    }

    // The float nearest to v on the inside of the bound (an infinite side stays infinite and is never clipped).
    private static float Inward(double v, bool up)
    {
        float f = (float)v;
        if (float.IsInfinity(f)) return f;
        if (up && f < v) return MathF.BitIncrement(f);
        if (!up && f > v) return MathF.BitDecrement(f);
        return f;
    }

    private static float[] InwardFloats(ReadOnlySpan<double> values, bool up)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = Inward(values[i], up);
        return result;
    }

    private static float[] Floats(ReadOnlySpan<double> values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = (float)values[i];
        return result;
    }
}
