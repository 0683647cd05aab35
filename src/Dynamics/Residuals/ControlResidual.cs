using Control.Core.Models;

namespace Control.Dynamics.Residuals;

/// <summary>r_i = u[indices[i]] - target[i]: selected controls (all by default) against a target (zero by default).</summary>
public sealed class ControlResidual : IResidualJacobian
{
    private readonly int[] indices;
    private readonly double[] target;

    /// <summary>The residual of controls <paramref name="indices"/> (null: all of them, in order).</summary>
    public ControlResidual(IStateSpace stateSpace, int controlSize, int[]? indices = null, double[]? target = null)
    {
        ArgumentNullException.ThrowIfNull(stateSpace);
        ArgumentOutOfRangeException.ThrowIfNegative(controlSize);
        indices ??= [.. Enumerable.Range(0, controlSize)];
        ResidualChecks.Indices("control residual", "control", indices, controlSize);
        this.indices = (int[])indices.Clone();
        this.target = ResidualChecks.Target("control residual", target, indices.Length);
        StateSpace = stateSpace;
        ControlSize = controlSize;
    }

    /// <inheritdoc />
    public int Size => indices.Length;

    /// <inheritdoc />
    public int StateSize => StateSpace.Size;

    /// <inheritdoc />
    public int ControlSize { get; }

    /// <inheritdoc />
    public IStateSpace StateSpace { get; }

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> r)
    {
        ResidualChecks.Point("control residual", this, x, u, r);
        for (int i = 0; i < indices.Length; i++) r[i] = u[indices[i]] - target[i];
    }

    /// <inheritdoc />
    public bool TryJacobians(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> rx, Span<double> ru)
    {
        int m = ControlSize;
        rx[..(Size * StateSpace.TangentSize)].Clear();
        ru[..(Size * m)].Clear();
        for (int i = 0; i < indices.Length; i++) ru[i * m + indices[i]] = 1;
        return true;
    }
}
