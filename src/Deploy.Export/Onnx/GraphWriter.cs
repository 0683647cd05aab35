// Appends nodes and initializers to an ONNX graph in the order they are written, so that the same calls give the same
// bytes. Float tensors go to raw_data as little-endian IEEE 754 (the specification's fixed-width form), int64 tensors
// to int64_data.
using System.Buffers.Binary;
using Google.Protobuf;

namespace Control.Deploy.Export.Onnx;

/// <summary>Builds a <see cref="GraphProto"/> node by node.</summary>
internal sealed class GraphWriter
{
    private readonly Dictionary<string, NodeProto> producers = new(StringComparer.Ordinal);

    /// <summary>The graph written so far.</summary>
    public GraphProto Graph { get; } = new() { Name = OnnxNames.GraphName };

    /// <summary>A float32 initializer <paramref name="name"/> of shape <paramref name="dims"/> (none: a scalar).</summary>
    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A float32 scalar initializer.</summary>
    public string Scalar(string name, float value) => Floats(name, [value]);

    /// <summary>An int64 initializer of shape [values.Length].</summary>
    public string Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>
    /// A node <paramref name="name"/> of <paramref name="opType"/> whose one output is the value <paramref name="name"/>;
    /// an empty input name stands for an omitted optional input.
    /// </summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        producers[name] = node;
        return name;
    }

    /// <summary>
    /// Makes <paramref name="value"/> the graph output <paramref name="output"/>: the node that computes it outputs the
    /// contract name instead (its consumers are renamed too), or, for an initializer or a value already exposed under
    /// another name, an Identity node does.
    /// </summary>
    public string Expose(string value, string output)
    {
        if (producers.Remove(value, out NodeProto? producer))
        {
            producer.Output[0] = output;
            foreach (NodeProto node in Graph.Node)
            {
                for (int i = 0; i < node.Input.Count; i++) if (node.Input[i] == value) node.Input[i] = output;
            }
            return output;
        }
        var identity = new NodeProto { Name = $"{output}.identity", OpType = "Identity" };
        identity.Input.Add(value);
        identity.Output.Add(output);
        Graph.Node.Add(identity);
        return output;
    }

    /// <summary>Declares a graph input or output: a tensor of <paramref name="type"/> and shape <paramref name="dims"/> (a string is a symbolic dimension).</summary>
    public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object d in dims)
        {
            shape.Dim.Add(d switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"expected an int or a string dimension, got {d}"),
            });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>An INT attribute.</summary>
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An INTS attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
