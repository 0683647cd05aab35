// The network of an inference policy as plain data: an ordered chain of dense layers (each with the activation
// after it) and, for dueling Q networks, the value and advantage streams on the chain's output. The forward pass
// runs the same tensor operations as the training modules, so its outputs equal theirs bit for bit; one row at a time
// (a controller's tick) it runs layers laid out for a single row (RowLayer), without a tensor, equal to the tensor
// path to float32 rounding.
using System.Runtime.CompilerServices;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Common;

/// <summary>An MLP (optionally with dueling heads) frozen for inference.</summary>
public sealed class InferenceNetwork
{
    private readonly DenseLayer[] layers;
    // Whether every layer's activation allows the single-row path and there are no dueling heads; the layers laid out for
    // it, made at the first single-row call (a network only saved or run on batches pins no memory).
    private readonly bool singleRow;
    private RowNetwork? rowNetwork;

    /// <summary>The chain <paramref name="layers"/>, then <paramref name="dueling"/> heads on its output if given.</summary>
    /// <exception cref="ArgumentException">No layers, or consecutive sizes that do not fit.</exception>
    public InferenceNetwork(IReadOnlyList<DenseLayer> layers, DuelingHeads? dueling = null)
    {
        if (layers is null || layers.Count == 0) throw new ArgumentException("InferenceNetwork: expected at least one layer, got none.");
        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].Inputs != layers[i - 1].Outputs)
                throw new ArgumentException($"InferenceNetwork: layer {i} expects {layers[i].Inputs} inputs, layer {i - 1} gives {layers[i - 1].Outputs}.");
        }
        if (dueling is not null)
        {
            int width = layers[^1].Outputs;
            if (dueling.Value.Inputs != width || dueling.Advantage.Inputs != width || dueling.Value.Outputs != 1
                || dueling.Value.Activation != Activation.Identity || dueling.Advantage.Activation != Activation.Identity)
            {
                throw new ArgumentException(
                    $"InferenceNetwork: expected dueling streams {width} -> 1 and {width} -> A without activation, got {dueling.Value.Inputs} -> {dueling.Value.Outputs} and {dueling.Advantage.Inputs} -> {dueling.Advantage.Outputs}.");
            }
        }
        this.layers = [.. layers];
        Dueling = dueling;
        singleRow = dueling is null && layers.All(l => SingleRow.Supports(l.Activation));
    }

    /// <summary>The chain of layers in order.</summary>
    public IReadOnlyList<DenseLayer> Layers => layers;

    /// <summary>The dueling streams on the chain's output, or null.</summary>
    public DuelingHeads? Dueling { get; }

    /// <summary>Input features.</summary>
    public int Inputs => layers[0].Inputs;

    /// <summary>Output features (the Q values, logits, or the head's parameters).</summary>
    public int Outputs => Dueling?.Advantage.Outputs ?? layers[^1].Outputs;

    /// <summary>The outputs (B, Outputs) for inputs (B, Inputs).</summary>
    public Tensor Forward(Tensor x)
    {
        foreach (DenseLayer layer in layers) x = layer.Forward(x);
        if (Dueling is null) return x;
        Tensor advantage = Dueling.Advantage.Forward(x);
        return Dueling.Value.Forward(x) + advantage - advantage.Mean(1, keepDim: true);
    }

    /// <summary>
    /// The outputs of one input row: where every layer's activation allows (<see cref="SingleRow.Supports"/>) and there are
    /// no dueling heads, without building tensors (<see cref="RowLayer"/>: equal to <see cref="Forward(Tensor)"/> to
    /// float32 rounding), otherwise through it. Reuses buffers: not for two threads at once.
    /// </summary>
    /// <exception cref="ArgumentException">The input or output length does not fit.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> input, Span<float> outputs)
    {
        if (input.Length != Inputs || outputs.Length != Outputs)
            throw new ArgumentException($"InferenceNetwork: expected {Inputs} inputs and room for {Outputs} outputs, got {input.Length} and {outputs.Length}.");
        if (!singleRow)
        {
            using var noGrad = Autograd.NoGrad();
            using var scope = TensorScope.Begin();
            Forward(Tensor.FromArray(input.ToArray(), 1, input.Length)).Span<float>().CopyTo(outputs);
            return;
        }
        rowNetwork ??= new RowNetwork([.. layers.Select(l => new RowLayer(l.Weight, l.Bias, l.Inputs, l.Outputs, l.Activation))]);
        rowNetwork.Forward(input, outputs);
    }

    /// <summary>
    /// A copy of an MLP built as <see cref="Mlp.Create"/> builds it (Linear layers, each followed by at most one
    /// activation); <paramref name="lastActivation"/> is applied after the last layer when that has none of its own.
    /// </summary>
    public static IReadOnlyList<DenseLayer> LayersOf(Sequential mlp, Activation lastActivation = Activation.Identity)
    {
        var result = new List<DenseLayer>();
        IReadOnlyList<Module> modules = mlp.Layers;
        for (int i = 0; i < modules.Count; i++)
        {
            if (modules[i] is not Linear linear)
                throw new ArgumentException($"InferenceNetwork: expected Linear layers each followed by at most one activation, got {modules[i].GetType().Name} at {i}.");
            Activation activation = i == modules.Count - 1 ? lastActivation : Activation.Identity;
            if (i + 1 < modules.Count && modules[i + 1] is ActivationLayer following)
            {
                activation = following.Activation;
                i++;
            }
            result.Add(DenseLayer.Of(linear, activation));
        }
        return result;
    }

    /// <summary>Copies <paramref name="layers"/> into the Linear layers of <paramref name="mlp"/>, in order; activations must match.</summary>
    /// <exception cref="InvalidDataException">The layer count, a shape or an activation differs.</exception>
    public static void CopyTo(IReadOnlyList<DenseLayer> layers, Sequential mlp, Activation lastActivation = Activation.Identity)
    {
        IReadOnlyList<DenseLayer> mine = LayersOf(mlp, lastActivation);
        var linears = mlp.Layers.OfType<Linear>().ToArray();
        if (mine.Count != layers.Count)
            throw new InvalidDataException($"expected a network of {mine.Count} layers, got {layers.Count}");
        for (int i = 0; i < mine.Count; i++)
        {
            if (mine[i].Activation != layers[i].Activation)
                throw new InvalidDataException($"layer {i}: expected activation {mine[i].Activation}, got {layers[i].Activation}");
        }
        for (int i = 0; i < mine.Count; i++) layers[i].CopyTo(linears[i]);
    }

    internal void Write(BinaryWriter w)
    {
        w.Write(layers.Length);
        foreach (DenseLayer layer in layers) layer.Write(w);
        w.Write(Dueling is not null);
        if (Dueling is null) return;
        Dueling.Value.Write(w);
        Dueling.Advantage.Write(w);
    }

    internal static InferenceNetwork Read(BinaryReader r)
    {
        int count = r.ReadInt32();
        if (count is <= 0 or > 1024) throw new InvalidDataException($"expected 1 to 1024 layers, got {count}");
        var layers = new DenseLayer[count];
        for (int i = 0; i < count; i++) layers[i] = DenseLayer.Read(r);
        DuelingHeads? dueling = r.ReadBoolean() ? new DuelingHeads(DenseLayer.Read(r), DenseLayer.Read(r)) : null;
        try
        {
            return new InferenceNetwork(layers, dueling);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
