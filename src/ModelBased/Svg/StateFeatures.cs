using Control.Tensors;

namespace Control.ModelBased.Svg;

/// <summary>
/// The input of the SVG networks: a state x (B, n) as [x with its angles zeroed, sin x, cos x], the
/// <see cref="Policies.Common.ObservationEncoding.Periodic"/> encoding of the inference policy, so that an angle and the
/// same angle plus a turn are one input and the exported policy computes the same features.
/// </summary>
internal sealed class StateFeatures
{
    private readonly Tensor rawMask;

    /// <summary>Features of states of <paramref name="stateSize"/> values whose entries <paramref name="angles"/> are angles.</summary>
    public StateFeatures(int stateSize, IReadOnlyList<int> angles)
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
        using (TensorScope.Suspend()) rawMask = Tensor.FromArray(mask, 1, stateSize);
    }

    /// <summary>n.</summary>
    public int StateSize { get; }

    /// <summary>The angle indices, increasing.</summary>
    public int[] Angles { get; }

    /// <summary>3n features per state.</summary>
    public int Size => 3 * StateSize;

    /// <summary>The features (B, 3n) of float64 states (B, n), on the tape.</summary>
    public Tensor Of(Tensor states)
    {
        if (states.Rank != 2 || states.Dim(1) != StateSize || states.DType != DType.Float64)
            throw new TensorException($"SVG: expected float64 states of shape (B, {StateSize}), got {states.DType} {Tensor.Format(states.Shape)}.");
        return Tensor.Concat([states * rawMask, states.Sin(), states.Cos()], 1);
    }
}
