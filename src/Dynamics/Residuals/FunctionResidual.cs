using Control.Core.Models;

namespace Control.Dynamics.Residuals;

/// <summary>A residual given by a function; its Jacobians are taken numerically by <see cref="ResidualCost"/>.</summary>
public sealed class FunctionResidual : IResidual
{
    private readonly ResidualFunction function;

    /// <summary>A residual of <paramref name="size"/> entries computed by <paramref name="function"/>.</summary>
    public FunctionResidual(IStateSpace stateSpace, int controlSize, int size, ResidualFunction function)
    {
        ArgumentNullException.ThrowIfNull(stateSpace);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfNegative(controlSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        StateSpace = stateSpace;
        ControlSize = controlSize;
        Size = size;
        this.function = function;
    }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public int StateSize => StateSpace.Size;

    /// <inheritdoc />
    public int ControlSize { get; }

    /// <inheritdoc />
    public IStateSpace StateSpace { get; }

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> r)
    {
        ResidualChecks.Point("function residual", this, x, u, r);
        function(x, u, r[..Size]);
    }
}
