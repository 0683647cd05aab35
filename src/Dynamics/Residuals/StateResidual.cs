using Control.Core.Models;

namespace Control.Dynamics.Residuals;

/// <summary>
/// r_i = x[indices[i]] - target[i]: selected state coordinates against a target (zero by default). The Jacobian is
/// in closed form on a Euclidean state space; on another manifold the coordinates are not the tangent, and the
/// cost differentiates numerically.
/// </summary>
public sealed class StateResidual : IResidualJacobian
{
    private readonly int[] indices;
    private readonly double[] target;

    /// <summary>The residual of coordinates <paramref name="indices"/> of states in <paramref name="stateSpace"/>.</summary>
    public StateResidual(IStateSpace stateSpace, int controlSize, int[] indices, double[]? target = null)
    {
        ArgumentNullException.ThrowIfNull(stateSpace);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentOutOfRangeException.ThrowIfNegative(controlSize);
        ResidualChecks.Indices("state residual", "state coordinate", indices, stateSpace.Size);
        this.indices = (int[])indices.Clone();
        this.target = ResidualChecks.Target("state residual", target, indices.Length);
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
        ResidualChecks.Point("state residual", this, x, u, r);
        for (int i = 0; i < indices.Length; i++) r[i] = x[indices[i]] - target[i];
    }

    /// <inheritdoc />
    public bool TryJacobians(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> rx, Span<double> ru)
    {
        if (StateSpace is not EuclideanStateSpace) return false;
        int n = StateSize;
        rx[..(Size * n)].Clear();
        ru[..(Size * ControlSize)].Clear();
        for (int i = 0; i < indices.Length; i++) rx[i * n + indices[i]] = 1;
        return true;
    }
}
