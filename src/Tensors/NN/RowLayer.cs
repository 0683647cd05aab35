// A dense layer and its activation laid out for one input row at a time: the batch-1 path of a deployed policy, where the
// tensor engine's per-call costs (a scope, the tensors of each layer, the autograd checks) outweigh a 64-64 network's
// few thousand multiply-adds. A layer at least one vector wide keeps its weight by columns, W^T (in, out), and runs as
// scaled rows summed in vector registers; a narrower one keeps W (out, in) and runs as dot products (RowKernels). A tanh
// is applied in the kernel's registers, the other activations after it (SingleRow), to the tensor forms' bits either way.
// The sums run in another order than the tensor path's GEMM, so the values agree with it to float32 rounding, not bit
// for bit; they are the same on every run. The weight, the bias and the output row live in one array on the pinned
// object heap, each on a 64-byte boundary: a 512-bit load across two cache lines costs two (with the GC's placement, a
// 64-64 layer's time varied 2x from run to run). The kernels read it through pointers, so every call keeps the layer
// alive to its end, and the output row is handed out as a span of the array itself.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Control.Tensors.Kernels;

namespace Control.Tensors.NN;

/// <summary>y = f(x W^T + b) for one float32 row held in spans.</summary>
public sealed unsafe class RowLayer
{
    private const int Align = 64 / sizeof(float);
    // Pinned, so the pointers into it stay valid: the weight, the bias (null for none) and the output row (at outputAt).
    private readonly float[] storage;
    private readonly float* weight, bias, output;
    private readonly int outputAt;

    /// <summary>A layer over copies of <paramref name="weight"/> (out, in) row-major and <paramref name="bias"/> (out) or empty for none.</summary>
    /// <exception cref="ArgumentException">The lengths do not fit, or <paramref name="activation"/> has no single-row form (<see cref="SingleRow.Supports"/>).</exception>
    public RowLayer(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int inputs, int outputs, Activation activation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        if (weight.Length != (long)inputs * outputs || (bias.Length != 0 && bias.Length != outputs))
            throw new ArgumentException($"RowLayer: expected a weight of {outputs} x {inputs} = {(long)inputs * outputs} values and a bias of {outputs} (or none), got {weight.Length} and {bias.Length}.");
        if (!SingleRow.Supports(activation)) throw new ArgumentException($"RowLayer: {activation} has no single-row form; use the tensor path.", nameof(activation));
        Inputs = inputs;
        Outputs = outputs;
        Activation = activation;
        ByColumns = outputs >= RowKernels.VectorWidth;
        int biasAt = Round(weight.Length);
        outputAt = biasAt + Round(bias.Length);
        storage = GC.AllocateArray<float>(outputAt + Round(outputs) + Align, pinned: true);
        float* first = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(storage));
        float* start = (float*)(((nint)first + 63) & ~(nint)63);
        outputAt += (int)(start - first);
        this.weight = start;
        this.bias = bias.Length == 0 ? null : start + biasAt;
        output = first + outputAt;
        bias.CopyTo(new Span<float>(this.bias, bias.Length));
        var w = new Span<float>(this.weight, weight.Length);
        if (!ByColumns)
        {
            weight.CopyTo(w);
            return;
        }
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++) w[i * outputs + o] = weight[o * inputs + i];
        }
    }

    private static int Round(int length) => (length + Align - 1) / Align * Align;

    /// <summary>Input features.</summary>
    public int Inputs { get; }

    /// <summary>Output features.</summary>
    public int Outputs { get; }

    /// <summary>The activation after the affine map.</summary>
    public Activation Activation { get; }

    /// <summary>Whether the weight is kept by columns (the layer is at least one vector wide) rather than as given.</summary>
    public bool ByColumns { get; }

    /// <summary>f(x W^T + b), in the layer's own output row (overwritten by the next call: not for two threads at once).</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> does not hold <see cref="Inputs"/> values, or is this layer's own output row.</exception>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> x)
    {
        if (x.Length != Inputs) throw new ArgumentException($"RowLayer: expected {Inputs} inputs, got {x.Length}.");
        if (x.Overlaps(storage.AsSpan(outputAt, Outputs)))
            throw new ArgumentException("RowLayer: expected an input apart from the layer's own output row (it is written while the input is read); apply another instance.");
        fixed (float* px = x) Run(px);
        return storage.AsSpan(outputAt, Outputs);
    }

    /// <summary>f(x W^T + b) for <see cref="Inputs"/> values at <paramref name="x"/> (not the output row); returns the output row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal float* Run(float* x)
    {
        bool tanh = Activation == Activation.Tanh;
        if (ByColumns) RowKernels.ByColumns(x, Inputs, weight, bias, output, Outputs, tanh);
        else RowKernels.ByRows(x, Inputs, weight, bias, output, Outputs, tanh);
        if (!tanh && Activation != Activation.Identity) SingleRow.Activate(Activation, new Span<float>(output, Outputs));
        GC.KeepAlive(this);
        return output;
    }
}
