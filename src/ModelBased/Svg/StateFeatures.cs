using Control.Tensors;
using Control.Tensors.NN;

namespace Control.ModelBased.Svg;

/// <summary>
/// The input of the SVG networks: a state x (B, n) as [x with its angles zeroed, sin x, cos x], the
/// <see cref="Policies.Common.ObservationEncoding.Periodic"/> encoding of the inference policy, so that an angle and the
/// same angle plus a turn are one input and the exported policy computes the same features.
/// With <c>anglesOnly</c> the sine and cosine of the other entries (a cart's position, every velocity) are zeroed:
/// they are periodic in metres and radians per second, a basis on which V's gradient along a velocity oscillates.
/// The first layer's weights on those features are then zeroed too (<see cref="Prune"/>); they receive no gradient and
/// stay zero, so the exported policy, which computes every sine and cosine, gives the same actions.
/// </summary>
internal sealed class StateFeatures
{
    private readonly Tensor rawMask;
    private readonly Tensor? trigMask;

    /// <summary>Features of states of <paramref name="stateSize"/> values whose entries <paramref name="angles"/> are angles.</summary>
    public StateFeatures(int stateSize, IReadOnlyList<int> angles, bool anglesOnly = false)
    {
        if (stateSize < 1) throw new ArgumentOutOfRangeException(nameof(stateSize), stateSize, "SVG: expected a positive state size.");
        var mask = Enumerable.Repeat(1.0, stateSize).ToArray();
        foreach (int i in angles)
        {
            if (i < 0 || i >= stateSize) throw new ArgumentOutOfRangeException(nameof(angles), i, $"SVG: expected angle indices in [0, {stateSize}).");
            mask[i] = 0;
        }
        StateSize = stateSize;
        Angles = [.. angles.Distinct().Order()];
        AnglesOnly = anglesOnly;
        using (TensorScope.Suspend())
        {
            rawMask = Tensor.FromArray(mask, 1, stateSize);
            if (anglesOnly) trigMask = Tensor.FromArray(mask.Select(k => 1 - k).ToArray(), 1, stateSize);
        }
    }

    /// <summary>n.</summary>
    public int StateSize { get; }

    /// <summary>The angle indices, increasing.</summary>
    public int[] Angles { get; }

    /// <summary>Whether only the angles' sine and cosine are features.</summary>
    public bool AnglesOnly { get; }

    /// <summary>3n features per state.</summary>
    public int Size => 3 * StateSize;

    /// <summary>The features (B, 3n) of float64 states (B, n), on the tape.</summary>
    public Tensor Of(Tensor states)
    {
        if (states.Rank != 2 || states.Dim(1) != StateSize || states.DType != DType.Float64)
            throw new TensorException($"SVG: expected float64 states of shape (B, {StateSize}), got {states.DType} {Tensor.Format(states.Shape)}.");
        return trigMask is null
            ? Tensor.Concat([states * rawMask, states.Sin(), states.Cos()], 1)
            : Tensor.Concat([states * rawMask, states.Sin() * trigMask, states.Cos() * trigMask], 1);
    }

    /// <summary>With <see cref="AnglesOnly"/>, zeroes the weights of <paramref name="net"/>'s first layer on the dropped sine and cosine features.</summary>
    public void Prune(Sequential net)
    {
        if (!AnglesOnly) return;
        Tensor weight = ((Linear)net.Layers[0]).Weight;
        Span<double> w = weight.Span<double>();
        int outputs = weight.Dim(0);
        for (int j = 0; j < StateSize; j++)
        {
            if (Angles.Contains(j)) continue;
            for (int o = 0; o < outputs; o++) w[o * Size + StateSize + j] = w[o * Size + 2 * StateSize + j] = 0;
        }
    }
}
