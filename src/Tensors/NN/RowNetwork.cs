// A chain of RowLayers run on one input row: the lengths are checked once per call, and each layer reads the previous
// one's output row in place (pinned, 64-byte aligned), so a small policy's forward pass costs little beyond its
// multiply-adds and activations. A layer writes its own output row, so each instance appears once in a chain.
using System.Runtime.CompilerServices;

namespace Control.Tensors.NN;

/// <summary>Dense layers applied in order to one float32 row.</summary>
public sealed unsafe class RowNetwork
{
    private readonly RowLayer[] layers;

    /// <summary>The chain <paramref name="layers"/>.</summary>
    /// <exception cref="ArgumentException">No layers, consecutive sizes that do not fit, or a layer instance given twice.</exception>
    public RowNetwork(IReadOnlyList<RowLayer> layers)
    {
        if (layers is null || layers.Count == 0) throw new ArgumentException("RowNetwork: expected at least one layer, got none.");
        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].Inputs != layers[i - 1].Outputs)
                throw new ArgumentException($"RowNetwork: layer {i} expects {layers[i].Inputs} inputs, layer {i - 1} gives {layers[i - 1].Outputs}.");
            for (int j = 0; j < i; j++)
            {
                if (ReferenceEquals(layers[i], layers[j]))
                    throw new ArgumentException($"RowNetwork: expected distinct layer instances (each writes its own output row), got layer {j} again at {i}.");
            }
        }
        this.layers = [.. layers];
    }

    /// <summary>Input features.</summary>
    public int Inputs => layers[0].Inputs;

    /// <summary>Output features.</summary>
    public int Outputs => layers[^1].Outputs;

    /// <summary>The last layer's outputs for <paramref name="input"/>. Reuses the layers' rows: not for two threads at once.</summary>
    /// <exception cref="ArgumentException">The input or output length does not fit.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != Inputs || output.Length != Outputs)
            throw new ArgumentException($"RowNetwork: expected {Inputs} inputs and room for {Outputs} outputs, got {input.Length} and {output.Length}.");
        fixed (float* start = input)
        {
            float* x = start;
            foreach (RowLayer layer in layers) x = layer.Run(x);
            new ReadOnlySpan<float>(x, output.Length).CopyTo(output);
        }
        GC.KeepAlive(this);
    }
}
